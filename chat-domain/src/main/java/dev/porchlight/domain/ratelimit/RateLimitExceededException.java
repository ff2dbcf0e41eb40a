package dev.porchlight.domain.ratelimit;

import java.time.Duration;

/**
 * An action refused because its limit is used up. Thrown on hot paths (a flooding
 * client), so it carries no stack trace.
 */
public class RateLimitExceededException extends RuntimeException {

	private final Duration retryAfter;

	public RateLimitExceededException(Duration retryAfter) {
		super("rate limit exceeded", null, false, false);
		this.retryAfter = retryAfter;
	}

	/**
	 * @return when the action may be retried
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
