package dev.porchlight.persistence.conversation;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

/**
 * Waits for commands sent asynchronously on the shared Lettuce connection (several sent
 * together cost one round trip), with the same deadline and the same Spring exceptions as
 * commands sent through the template.
 */
final class LettuceFutures {

	private LettuceFutures() {
	}

	/**
	 * Waits for a command's answer. On a virtual thread without a deadline of its own:
	 * there a timed wait schedules (and cancels) a timer task in the carrier pool for
	 * every command, which measured about 5% of a node's CPU under load; Lettuce times
	 * the command out itself after the same time ({@link RedisClientOptions}). Platform
	 * threads keep the deadline as a second guard.
	 */
	static <T> T await(RedisFuture<T> future, Duration timeout) {
		try {
			return Thread.currentThread().isVirtual() ? future.get()
					: future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisConnectionFailureException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			throw translate((ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	/**
	 * The Spring exception for a command's failure, as the template would throw it.
	 */
	static RuntimeException translate(Throwable cause) {
		if (cause instanceof io.lettuce.core.RedisConnectionException) {
			return new RedisConnectionFailureException(cause.getMessage(), cause);
		}
		if (cause instanceof io.lettuce.core.RedisCommandTimeoutException) {
			return new QueryTimeoutException(cause.getMessage(), cause);
		}
		if (cause instanceof org.springframework.dao.DataAccessException translated) {
			return translated;
		}
		return new RedisSystemException(cause.getMessage(), cause);
	}

}
