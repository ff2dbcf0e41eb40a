package dev.porchlight.persistence.broadcast;

import dev.porchlight.domain.broadcast.Broadcasts;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The benchmark's handle on the product's Redis broadcasts (package-private, as adapters
 * are).
 */
public final class BenchBroadcasts {

	private BenchBroadcasts() {
	}

	public static Broadcasts broadcasts(StringRedisTemplate redis, RedisConnectionFactory connections) {
		return new RedisBroadcasts(redis, connections);
	}

}
