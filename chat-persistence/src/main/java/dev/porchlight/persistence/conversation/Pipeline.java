package dev.porchlight.persistence.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Many commands sent together on the one shared Lettuce connection and awaited together:
 * one round trip, however many commands (a template pipeline would take a dedicated
 * connection for each call). Scripts go by their SHA and are loaded on first use.
 */
final class Pipeline {

	private final StringRedisTemplate redis;

	private final Duration timeout;

	Pipeline(StringRedisTemplate redis, Duration timeout) {
		this.redis = redis;
		this.timeout = timeout;
	}

	/**
	 * Sends one command per item and waits for all answers.
	 * @param items what to send a command for
	 * @param command sends the command for one item
	 * @return the answers, in the order of the items
	 */
	<I, T> List<T> each(List<I> items,
			java.util.function.BiFunction<RedisClusterAsyncCommands<byte[], byte[]>, I, RedisFuture<T>> command) {
		if (items.isEmpty()) {
			return List.of();
		}
		return this.redis.execute((RedisCallback<List<T>>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> async = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			List<RedisFuture<T>> futures = new ArrayList<>(items.size());
			for (I item : items) {
				futures.add(command.apply(async, item));
			}
			List<T> answers = new ArrayList<>(futures.size());
			for (RedisFuture<T> future : futures) {
				answers.add(LettuceFutures.await(future, this.timeout));
			}
			return answers;
		});
	}

	/**
	 * Sends different commands together: the exchange sends them all before it
	 * {@linkplain #await awaits} the first answer, so they cost one round trip.
	 * @param exchange sends the commands on the shared connection, then awaits them
	 * @return what the exchange made of the answers
	 */
	<T> T together(Function<RedisClusterAsyncCommands<byte[], byte[]>, T> exchange) {
		return this.redis.execute((RedisCallback<T>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> async = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			return exchange.apply(async);
		});
	}

	/**
	 * The answer of a command sent in {@link #together}, within this pipeline's timeout.
	 */
	<T> T await(RedisFuture<T> future) {
		return LettuceFutures.await(future, this.timeout);
	}

	/**
	 * Runs one script per item, together. A script Redis does not know yet (after a
	 * restart, or on another cluster node) is sent whole once more, which also makes
	 * Redis remember it.
	 * @param script the script
	 * @param items what to run it for
	 * @param keysAndArgs the keys and arguments for one item
	 * @return the answers, in the order of the items
	 */
	<I> List<Object> script(Script script, List<I> items, Function<I, byte[][][]> keysAndArgs) {
		try {
			return each(items, (async, item) -> {
				byte[][][] call = keysAndArgs.apply(item);
				return async.evalsha(script.sha(), ScriptOutputType.MULTI, call[0], call[1]);
			});
		}
		catch (RuntimeException ex) {
			if (!(ex.getCause() instanceof RedisNoScriptException)) {
				throw ex;
			}
			return each(items, (async, item) -> {
				byte[][][] call = keysAndArgs.apply(item);
				return async.eval(script.body(), ScriptOutputType.MULTI, call[0], call[1]);
			});
		}
	}

	/**
	 * Runs one script without waiting for it: the answer completes the future on the
	 * connection's I/O thread, failures as the Spring exceptions the template throws.
	 * Calls made one after the other run in Redis in that order (one shared connection),
	 * but for one case: a call that finds the script unknown (Redis restarted) is sent
	 * again whole, after a later call that another connection's load of the script made
	 * known in between.
	 * @param script the script
	 * @param keysAndArgs its keys and arguments
	 * @return the script's answer
	 */
	CompletableFuture<Object> scriptAsync(Script script, byte[][][] keysAndArgs) {
		return send((async) -> async.evalsha(script.sha(), ScriptOutputType.MULTI, keysAndArgs[0], keysAndArgs[1]))
			.exceptionallyCompose((failure) -> {
				Throwable cause = unwrap(failure);
				if (cause instanceof RedisNoScriptException) {
					// Redis does not know it yet: sent whole, which makes Redis remember
					// it.
					return send((async) -> async.eval(script.body(), ScriptOutputType.MULTI, keysAndArgs[0],
							keysAndArgs[1]));
				}
				return CompletableFuture.failedFuture(cause);
			})
			.exceptionallyCompose(
					(failure) -> CompletableFuture.failedFuture(LettuceFutures.translate(unwrap(failure))));
	}

	private CompletableFuture<Object> send(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<Object>> command) {
		try {
			return this.redis.execute((RedisCallback<CompletableFuture<Object>>) (connection) -> {
				@SuppressWarnings("unchecked")
				RedisClusterAsyncCommands<byte[], byte[]> async = (RedisClusterAsyncCommands<byte[], byte[]>) connection
					.getNativeConnection();
				return command.apply(async).toCompletableFuture();
			});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A Lua script and its SHA-1, the name Redis knows it by.
	 */
	record Script(String body, String sha) {

		static Script of(String body) {
			try {
				return new Script(body, HexFormat.of()
					.formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8))));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-1 is part of every JDK", ex);
			}
		}

	}

}
