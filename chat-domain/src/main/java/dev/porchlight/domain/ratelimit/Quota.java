package dev.porchlight.domain.ratelimit;

import java.util.Objects;

/**
 * The allowance an action takes from: a limit and who acts.
 *
 * @param limit the limit
 * @param key who acts (an account, an address, a visitor)
 */
public record Quota(RateLimit limit, String key) {

	public Quota {
		Objects.requireNonNull(limit, "limit");
		Objects.requireNonNull(key, "key");
	}

}
