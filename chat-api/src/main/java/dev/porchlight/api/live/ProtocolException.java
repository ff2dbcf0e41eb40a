package dev.porchlight.api.live;

/**
 * A frame that cannot be served. Answered with an {@code error} frame carrying the code;
 * the socket stays open.
 */
class ProtocolException extends RuntimeException {

	private final String code;

	private final long retryAfterMillis;

	ProtocolException(String code, String message) {
		this(code, message, 0);
	}

	ProtocolException(String code, String message, long retryAfterMillis) {
		super(message, null, false, false);
		this.code = code;
		this.retryAfterMillis = retryAfterMillis;
	}

	String code() {
		return this.code;
	}

	long retryAfterMillis() {
		return this.retryAfterMillis;
	}

}
