package dev.porchlight.persistence.replication;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.porchlight.domain.replication.Replicas;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Confirms replication with Redis' {@code WAIT}, which waits until replicas acknowledged
 * every write made on the connection it is sent on. That must be the connection the
 * writes went over: the node's one shared, multiplexed Lettuce connection (no pool, see
 * application.properties), which {@link StringRedisTemplate} uses for every command here
 * and in the other adapters.
 *
 * <p>
 * The cost: Redis answers a connection's commands in order, so while {@code WAIT} waits,
 * every later command of this node waits behind it. On a healthy replica that is one
 * round trip to it; with the replica gone it is the whole timeout, for every command of
 * the node.
 */
@Repository
class RedisReplicas implements Replicas {

	/**
	 * Written before a {@code WAIT} that must cover other connections' writes:
	 * replication offsets are global, so once this write is replicated, so is everything
	 * written before it.
	 */
	static final String PROBE = "pl:replication:probe";

	/** How much longer than its own timeout Redis may take to answer a WAIT. */
	private static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

	private final StringRedisTemplate redis;

	private final boolean cluster;

	RedisReplicas(StringRedisTemplate redis, RedisConnectionFactory connections) {
		this.redis = redis;
		this.cluster = connections instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	@Override
	public boolean canConfirm() {
		return !this.cluster;
	}

	@Override
	public boolean confirmWrites(int count, Duration timeout) {
		return waitFor(count, timeout, false);
	}

	@Override
	public boolean confirmAllWrites(int count, Duration timeout) {
		return waitFor(count, timeout, true);
	}

	private boolean waitFor(int count, Duration timeout, boolean writeFirst) {
		Long replicas = this.redis.execute((RedisCallback<Long>) (connection) -> {
			if (writeFirst) {
				connection.stringCommands().incr(PROBE.getBytes(StandardCharsets.UTF_8));
			}
			// Lettuce's own command (Spring's generic execute cannot read an integer
			// reply), on the native connection behind Spring's: the shared one.
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			RedisFuture<Long> waited = commands.waitForReplication(count, Math.max(1, timeout.toMillis()));
			try {
				return waited.get(timeout.toMillis() + ANSWER_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new RedisSystemException("WAIT failed: " + ex.getCause().getMessage(), ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new QueryTimeoutException("WAIT got no answer within " + timeout.plus(ANSWER_MARGIN), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new RedisSystemException("interrupted while waiting for replicas", ex);
			}
		});
		return replicas != null && replicas >= count;
	}

}
