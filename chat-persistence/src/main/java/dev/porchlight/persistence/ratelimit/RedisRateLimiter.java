package dev.porchlight.persistence.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

/**
 * Fixed-window counters in Redis, so a limit holds across every node. Counting and
 * setting the window's expiry happen in one Lua script, so a crash between the two cannot
 * leave a counter that never expires. Keys carry a hash of the limited key, never the key
 * itself: no email address or IP address is written to Redis.
 */
@Repository
class RedisRateLimiter implements RateLimiter {

	private static final RedisScript<List> ACQUIRE = RedisScript.of("""
			local count = redis.call('INCR', KEYS[1])
			local ttl = redis.call('PTTL', KEYS[1])
			if ttl < 0 then
			  redis.call('PEXPIRE', KEYS[1], ARGV[1])
			  ttl = tonumber(ARGV[1])
			end
			return {count, ttl}
			""", List.class);

	private static final RedisScript<List> PEEK = RedisScript.of("""
			local count = tonumber(redis.call('GET', KEYS[1]) or '0')
			local ttl = redis.call('PTTL', KEYS[1])
			return {count, ttl}
			""", List.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
			  return redis.call('DECR', KEYS[1])
			end
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	RedisRateLimiter(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public Decision tryAcquire(RateLimit limit, String key) {
		return decide(limit,
				this.redis.execute(ACQUIRE, List.of(redisKey(limit, key)), String.valueOf(limit.window().toMillis())),
				0);
	}

	@Override
	public Decision peek(RateLimit limit, String key) {
		return decide(limit, this.redis.execute(PEEK, List.of(redisKey(limit, key))), 1);
	}

	@Override
	public void release(RateLimit limit, String key) {
		this.redis.execute(RELEASE, List.of(redisKey(limit, key)));
	}

	@Override
	public void reset(RateLimit limit, String key) {
		this.redis.delete(redisKey(limit, key));
	}

	private static Decision decide(RateLimit limit, List<?> result, long pending) {
		long count = ((Number) result.get(0)).longValue() + pending;
		long ttl = ((Number) result.get(1)).longValue();
		boolean allowed = count <= limit.permits();
		long remaining = Math.max(0, limit.permits() - count);
		Duration retryAfter = allowed ? Duration.ZERO : Duration.ofMillis(Math.max(ttl, 1));
		return new Decision(allowed, remaining, retryAfter);
	}

	static String redisKey(RateLimit limit, String key) {
		return RateLimitKeys.of(limit, key);
	}

}
