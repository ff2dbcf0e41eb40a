package dev.porchlight.api.live;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.ratelimit.RateLimitExceededException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * What a socket is told about its frames: the {@code error} a failure means, and the
 * answers that come after the frame's handler returned (a {@code send} does not hold the
 * socket's next frame back while Redis stores it). A bad frame never closes a socket by
 * itself; too many refused frames in a minute do.
 */
@Component
class FrameAnswers {

	private static final Logger log = LoggerFactory.getLogger(FrameAnswers.class);

	private final int errorsBeforeClose;

	FrameAnswers(LiveProperties properties) {
		this.errorsBeforeClose = properties.errorsBeforeClose();
	}

	/**
	 * The answer to a frame when it is there, or else null, the answer following when it
	 * is.
	 * @param connection the socket that sent the frame
	 * @param ref the frame's {@code ref}
	 * @param answer the answer, done or under way
	 * @param answered run once the answer is known and, when it came later, queued for
	 * the socket: what it lets go (the socket's room for another send) cannot let a later
	 * frame's answer overtake this one
	 * @return the answer, or null when it comes later
	 * @throws RuntimeException what the frame failed with, when it is known already
	 */
	@Nullable ServerFrame now(Connection connection, @Nullable String ref, CompletableFuture<ServerFrame> answer,
			Runnable answered) {
		if (answer.isDone()) {
			// The caller is the thread serving this socket: nothing of the socket's can
			// run before it writes the answer.
			try {
				return answer.join();
			}
			catch (CompletionException ex) {
				throw unwrap(ex);
			}
			finally {
				answered.run();
			}
		}
		answer.whenComplete((frame, failure) -> {
			// On the store's I/O thread: queued for the socket's writer, never written
			// here.
			try {
				if (failure == null) {
					connection.send(Wire.write(frame));
				}
				else {
					refuse(connection, error(ref, unwrap(failure)), false);
				}
			}
			finally {
				answered.run();
			}
		});
		return null;
	}

	/**
	 * The {@code error} frame for what handling a frame failed with.
	 */
	ServerFrame.Error error(@Nullable String ref, RuntimeException failure) {
		return switch (failure) {
			case ProtocolException ex ->
				ServerFrame.Error.of((ref != null) ? ref : ex.ref(), ex.code(), ex.getMessage(), ex.retryAfterMillis());
			case RateLimitExceededException ex -> ServerFrame.Error.of(ref, "rate_limited",
					"Too many requests; slow down.", Math.max(1, ex.retryAfter().toMillis()));
			case DomainException ex -> ServerFrame.Error.of(ref, ex.code(), ex.getMessage(), 0);
			case DataAccessException ex -> {
				log.warn("Live storage unavailable: {}", ex.getMessage());
				yield unavailable(ref);
			}
			default -> {
				log.error("Unexpected failure handling a frame", failure);
				yield ServerFrame.Error.of(ref, "internal_error", "Something went wrong on our side; retry.", 1000);
			}
		};
	}

	/**
	 * Tells the socket its frame was refused; a socket refused too often is closed
	 * (1008), unless the fault was the server's.
	 * @param inline whether the caller is the thread that serves this socket (it may then
	 * write the answer itself)
	 */
	void refuse(Connection connection, ServerFrame.Error error, boolean inline) {
		String text = Wire.write(error);
		if (inline) {
			connection.reply(text);
		}
		else {
			connection.send(text);
		}
		// The server's own trouble is not the client's abuse: a client resending through
		// a Redis failover or an overload must not be disconnected for it.
		boolean serversFault = error.code().equals("unavailable") || error.code().equals("internal_error");
		if (!serversFault && connection.tooManyErrors(this.errorsBeforeClose)) {
			connection.closeWhenFlushed(CloseCodes.ABUSE);
		}
	}

	static ServerFrame.Error unavailable(@Nullable String ref) {
		return ServerFrame.Error.of(ref, "unavailable", "Chat is briefly unavailable; retry shortly.", 1000);
	}

	private static RuntimeException unwrap(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
	}

}
