package dev.porchlight.persistence.visitor;

import java.time.Duration;

import dev.porchlight.domain.visitor.Revocations;
import dev.porchlight.domain.visitor.VisitorId;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Revoked visitors in Redis, one key each that expires by itself.
 */
@Repository
class RedisRevocations implements Revocations {

	private final StringRedisTemplate redis;

	RedisRevocations(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public void revoke(VisitorId visitor, Duration duration) {
		this.redis.opsForValue().set(key(visitor), "1", duration);
	}

	@Override
	public boolean isRevoked(VisitorId visitor) {
		return Boolean.TRUE.equals(this.redis.hasKey(key(visitor)));
	}

	private static String key(VisitorId visitor) {
		return "pl:{v:" + visitor + "}:revoked";
	}

}
