package dev.porchlight.api.account;

import java.time.Duration;
import java.util.Locale;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;

import org.springframework.stereotype.Component;

/**
 * Slows down password guessing: failed sign-ins are counted per account (whatever address
 * they come from) and per address (whatever account they try), in Redis so every node
 * sees the same counts. Each attempt is counted as failed before its password is checked
 * and taken back when it was right. Once a limit is used up, even the right password is
 * refused until the window ends, with the same generic message whether or not the account
 * exists.
 */
@Component
class SignInThrottle {

	static final RateLimit PER_ACCOUNT = new RateLimit("sign-in.account", 5, Duration.ofMinutes(15));

	static final RateLimit PER_ADDRESS = new RateLimit("sign-in.address", 20, Duration.ofMinutes(15));

	private final RateLimiter limiter;

	SignInThrottle(RateLimiter limiter) {
		this.limiter = limiter;
	}

	/**
	 * Counts an attempt as failed before its password is checked, so that guesses sent at
	 * once are counted before any of them is answered (checking first and counting after
	 * let every parallel guess through); refuses it when a limit is used up.
	 */
	void attempt(String email, String address) {
		RateLimiter.Decision account = this.limiter.tryAcquire(PER_ACCOUNT, key(email));
		RateLimiter.Decision origin = this.limiter.tryAcquire(PER_ADDRESS, address);
		if (!account.allowed() || !origin.allowed()) {
			// A refused attempt checks no password: it is not counted.
			notCounted(email, address);
			Duration retry = account.retryAfter().compareTo(origin.retryAfter()) > 0 ? account.retryAfter()
					: origin.retryAfter();
			throw ApiException.tooManyRequests("sign_in_throttled",
					"Too many sign-in attempts. Wait a few minutes and try again.", retry);
		}
	}

	/**
	 * The attempt was right: the account's failures are forgotten, the address's taken
	 * back.
	 */
	void succeeded(String email, String address) {
		this.limiter.reset(PER_ACCOUNT, key(email));
		this.limiter.release(PER_ADDRESS, address);
	}

	/** The password could not be checked (the accounts could not be read). */
	void notCounted(String email, String address) {
		this.limiter.release(PER_ACCOUNT, key(email));
		this.limiter.release(PER_ADDRESS, address);
	}

	private static String key(String email) {
		return email.strip().toLowerCase(Locale.ROOT);
	}

}
