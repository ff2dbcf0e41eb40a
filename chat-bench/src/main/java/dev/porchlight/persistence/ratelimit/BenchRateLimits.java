package dev.porchlight.persistence.ratelimit;

import dev.porchlight.domain.ratelimit.RateLimiter;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The benchmark's handle on the product's Redis rate limiter (package-private, as
 * adapters are).
 */
public final class BenchRateLimits {

	private BenchRateLimits() {
	}

	public static RateLimiter limiter(StringRedisTemplate redis) {
		return new RedisRateLimiter(redis);
	}

}
