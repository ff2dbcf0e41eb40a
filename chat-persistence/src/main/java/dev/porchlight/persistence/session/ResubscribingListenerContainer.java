package dev.porchlight.persistence.session;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The listener container of the staff sessions' events, which subscribes again whenever
 * its connection to Redis fails, also at start-up.
 * <p>
 * Spring's container retries only a {@link RedisConnectionFailureException}. With
 * commands rejected while disconnected ({@code LiveStorageConfiguration}), a connection
 * that drops between being opened and subscribing fails with Lettuce's "Currently not
 * connected" or "Connection disconnected" instead, which the container took for a
 * permanent error: the node then did not start (seen once in CI, on a Redis that was up).
 * Every failure the client raises about its connection is retried here, every half second
 * or more (Spring starts its back-off again whenever a connection was made), for
 * {@value #GIVE_UP_SECONDS} s at most from the first failure: a node whose Redis stays
 * away longer fails to start, with the last failure, rather than retry for ever. Spring
 * retries on the starting thread, one call deeper each time, so the limit also keeps the
 * stack short. An error Redis itself answers (a {@link RedisCommandExecutionException},
 * such as a missing permission) ends the subscription at once, as before. Once
 * subscribed, Lettuce itself subscribes again after a reconnection.
 */
final class ResubscribingListenerContainer extends RedisMessageListenerContainer {

	static final Duration FIRST_RETRY = Duration.ofMillis(500);

	static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

	static final long GIVE_UP_SECONDS = 20;

	private final Duration giveUpAfter;

	/** When the failures since the last start began, {@code System.nanoTime()}. */
	private volatile @Nullable Long failingSince;

	ResubscribingListenerContainer() {
		this(Duration.ofSeconds(GIVE_UP_SECONDS));
	}

	ResubscribingListenerContainer(Duration giveUpAfter) {
		this.giveUpAfter = giveUpAfter;
		ExponentialBackOff backOff = new ExponentialBackOff(FIRST_RETRY.toMillis(), 2.0);
		backOff.setMaxInterval(LONGEST_RETRY.toMillis());
		setRecoveryBackoff(backOff);
	}

	@Override
	public void start() {
		this.failingSince = null;
		super.start();
	}

	@Override
	protected void handleSubscriptionException(CompletableFuture<Void> future, BackOffExecution backOffExecution,
			Throwable ex) {
		long now = System.nanoTime();
		Long since = this.failingSince;
		if (since == null) {
			this.failingSince = now;
		}
		else if (now - since > this.giveUpAfter.toNanos()) {
			// Anything but a connection failure ends it.
			super.handleSubscriptionException(future, backOffExecution, new IllegalStateException(
					"Could not subscribe to Redis within " + this.giveUpAfter.toSeconds() + " s", ex));
			return;
		}
		Throwable failure = (ex instanceof RedisConnectionFailureException || !isConnectionTrouble(ex)) ? ex
				: new RedisConnectionFailureException("Redis connection lost while subscribing: " + ex.getMessage(),
						ex);
		super.handleSubscriptionException(future, backOffExecution, failure);
	}

	/**
	 * Whether the client, not Redis, gave up on the command: a Lettuce exception in the
	 * causes that is not an error reply from the server.
	 * @param ex what the subscription failed with
	 * @return true for a failure of the connection
	 */
	static boolean isConnectionTrouble(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandExecutionException) {
				return false;
			}
			if (cause instanceof RedisException) {
				return true;
			}
		}
		return false;
	}

}
