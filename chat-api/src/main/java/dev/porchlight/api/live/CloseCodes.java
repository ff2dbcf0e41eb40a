package dev.porchlight.api.live;

import org.springframework.web.socket.CloseStatus;

/**
 * The close codes Porchlight uses, as documented in {@code docs/protocol.md}. A socket is
 * only closed for these reasons; every other problem is an {@code error} frame.
 */
final class CloseCodes {

	/** A binary frame: every frame is JSON text. */
	static final CloseStatus BINARY = new CloseStatus(1003, "binary frames are not accepted");

	/** The client broke the protocol too often (too many errors in a minute). */
	static final CloseStatus ABUSE = new CloseStatus(1008, "too many protocol errors");

	/** A frame larger than {@code porchlight.live.max-frame-bytes}; do not resend it. */
	static final CloseStatus TOO_LARGE = new CloseStatus(1009, "frame too large");

	/** The node is shutting down; reconnect (to any node) and resume. */
	static final CloseStatus RESTART = new CloseStatus(1012, "server restarting, reconnect");

	/** The client did not read fast enough; reconnect and resume. */
	static final CloseStatus TOO_SLOW = new CloseStatus(4500, "client too slow, reconnect and resume");

	/**
	 * The staff member's sessions were ended (sign-out elsewhere, password change,
	 * disabled).
	 */
	static final CloseStatus SESSION_ENDED = new CloseStatus(4401, "session ended, sign in again");

	/** No frame for longer than the idle timeout. */
	static final CloseStatus IDLE = new CloseStatus(4408, "idle timeout");

	/** The visitor token expired; get a new one and reconnect. */
	static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4403, "token expired, refresh and reconnect");

	private CloseCodes() {
	}

}
