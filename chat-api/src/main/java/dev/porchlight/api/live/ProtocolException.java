package dev.porchlight.api.live;

import org.jspecify.annotations.Nullable;

/**
 * A frame that cannot be served. Answered with an {@code error} frame carrying the code;
 * the socket stays open.
 */
class ProtocolException extends RuntimeException {

	private final String code;

	private final long retryAfterMillis;

	private final @Nullable String ref;

	ProtocolException(String code, String message) {
		this(code, message, 0);
	}

	ProtocolException(String code, String message, long retryAfterMillis) {
		this(code, message, retryAfterMillis, null);
	}

	private ProtocolException(String code, String message, long retryAfterMillis, @Nullable String ref) {
		super(message, null, false, false);
		this.code = code;
		this.retryAfterMillis = retryAfterMillis;
		this.ref = ref;
	}

	/**
	 * The same refusal for a frame whose {@code ref} could be read, so the error carries
	 * it even though the rest of the frame could not be decoded.
	 * @param ref the frame's ref, if any
	 * @return the refusal
	 */
	ProtocolException withRef(@Nullable String ref) {
		return (ref == null || this.ref != null) ? this
				: new ProtocolException(this.code, getMessage(), this.retryAfterMillis, ref);
	}

	@Nullable String ref() {
		return this.ref;
	}

	String code() {
		return this.code;
	}

	long retryAfterMillis() {
		return this.retryAfterMillis;
	}

}
