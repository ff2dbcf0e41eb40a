package dev.porchlight.domain.ratelimit;

import java.time.Duration;

/**
 * Counts actions per key against a {@link RateLimit}, shared by every node.
 */
public interface RateLimiter {

	/**
	 * Counts one action and says whether it is within the limit.
	 * @param limit the limit
	 * @param key who acts (an account, an address, a visitor)
	 * @return the decision
	 */
	Decision tryAcquire(RateLimit limit, String key);

	/**
	 * Says whether the limit is already used up, without counting an action.
	 * @param limit the limit
	 * @param key who acts
	 * @return the decision
	 */
	Decision peek(RateLimit limit, String key);

	/**
	 * Takes back one action counted by {@link #tryAcquire} that turned out not to count
	 * (a sign-in counted before the password was checked, which was right). Never below
	 * zero.
	 * @param limit the limit
	 * @param key who acted
	 */
	void release(RateLimit limit, String key);

	/**
	 * Forgets the count of a key, e.g. failed sign-ins after a successful one.
	 * @param limit the limit
	 * @param key who acted
	 */
	void reset(RateLimit limit, String key);

	/**
	 * The outcome of a rate-limit check.
	 *
	 * @param allowed whether the action may go ahead
	 * @param remaining actions left in the window
	 * @param retryAfter when a refused action may be retried
	 */
	record Decision(boolean allowed, long remaining, Duration retryAfter) {
	}

}
