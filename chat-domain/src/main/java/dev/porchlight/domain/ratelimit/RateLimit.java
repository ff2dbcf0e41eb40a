package dev.porchlight.domain.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * How many actions of one kind one key may take per window.
 *
 * @param name what is limited, e.g. {@code sign-in.account}; part of the storage key
 * @param permits actions allowed per window
 * @param window the window's length
 */
public record RateLimit(String name, int permits, Duration window) {

	public RateLimit {
		Objects.requireNonNull(name, "name");
		if (!name.matches("[a-z][a-z0-9.-]{0,40}")) {
			throw new IllegalArgumentException("rate limit names are short lower-case words");
		}
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be positive");
		}
		if (window.toMillis() < 1) {
			throw new IllegalArgumentException("window must be positive");
		}
	}

}
