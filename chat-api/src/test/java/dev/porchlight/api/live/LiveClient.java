package dev.porchlight.api.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A protocol client for tests: a real WebSocket connection (the JDK's client, nothing of
 * Spring's), frames parsed as JSON and queued in arrival order. Every wait has a
 * deadline.
 */
final class LiveClient implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** The longest a handshake or the sending of one frame may take. */
	static final Duration IO_TIMEOUT = Duration.ofSeconds(15);

	// One client for every socket of the test JVM: each HttpClient has a selector thread
	// of its own, and a client per connection attempt once left hundreds of them behind
	// a reconnect loop (issue 16).
	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/**
	 * Paces slow readers on a thread of its own: CompletableFuture's delayed executor
	 * starts a thread per task on a two-core machine, which a busy machine can hold back
	 * long enough for the server to take the reader for a stalled one.
	 */
	private static final ScheduledExecutorService PACING = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "live-client-pacing");
		thread.setDaemon(true);
		return thread;
	});

	private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

	// Frames received but not asked for yet: next() takes the first match and keeps the
	// rest.
	private final List<JsonNode> pending = new ArrayList<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	// The type of every frame received, in arrival order, whether taken yet or not.
	private final List<String> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());

	private final StringBuilder partial = new StringBuilder();

	private final WebSocket socket;

	private volatile boolean reading;

	// How long the client takes to read one frame: a slow reader, not a stalled one.
	private volatile Duration readTime = Duration.ZERO;

	private LiveClient(int port, String path, String origin, Map<String, String> headers, String token,
			boolean reading) {
		this.reading = reading;
		WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(IO_TIMEOUT).header("Origin", origin);
		headers.forEach(builder::header);
		if (token != null) {
			builder.subprotocols("porchlight.v1", "porchlight.token." + token);
		}
		this.socket = within(builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), new Listener()),
				"the handshake with port " + port);
	}

	/**
	 * Waits for an asynchronous step of the JDK client, at most {@link #IO_TIMEOUT}.
	 * @throws IllegalStateException when it failed or took longer (e.g. a refused
	 * handshake, whose response is the cause)
	 */
	private static <T> T within(CompletableFuture<T> step, String what) {
		try {
			return step.get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(what + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			step.cancel(true);
			throw new IllegalStateException(what + " took longer than " + IO_TIMEOUT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what + " was interrupted", ex);
		}
	}

	static LiveClient visitor(int port, String origin, String token) {
		return new LiveClient(port, "/ws/v1/visitor", origin, Map.of(), token, true);
	}

	/**
	 * A visitor client whose handshake carries {@code X-Forwarded-For}, as a proxy sends
	 * it: with {@code server.forward-headers-strategy=native} the server sees that
	 * address.
	 */
	static LiveClient visitorFrom(int port, String origin, String token, String address) {
		return new LiveClient(port, "/ws/v1/visitor", origin, Map.of("X-Forwarded-For", address), token, true);
	}

	/**
	 * A visitor client that stops reading after the handshake, like a frozen tab.
	 */
	static LiveClient stalledVisitor(int port, String origin, String token) {
		return new LiveClient(port, "/ws/v1/visitor", origin, Map.of(), token, false);
	}

	/**
	 * A visitor client that reads, but takes the given time per frame.
	 */
	static LiveClient slowVisitor(int port, String origin, String token, Duration readTime) {
		LiveClient client = new LiveClient(port, "/ws/v1/visitor", origin, Map.of(), token, true);
		client.readTime = readTime;
		return client;
	}

	/**
	 * Reads again, at full speed, after having stopped (a frozen tab that wakes up).
	 */
	void resumeReading() {
		this.readTime = Duration.ZERO;
		if (!this.reading) {
			this.reading = true;
			this.socket.request(1);
		}
	}

	static LiveClient staff(int port, String origin, String sessionCookie) {
		return new LiveClient(port, "/ws/v1/staff", origin, Map.of("Cookie", "PORCHLIGHT_SESSION=" + sessionCookie),
				null, true);
	}

	void send(Map<String, Object> frame) {
		sendRaw(JSON.writeValueAsString(frame));
	}

	void sendRaw(String text) {
		within(this.socket.sendText(text, true), "sending a frame");
	}

	void sendBinary(byte[] data) {
		within(this.socket.sendBinary(ByteBuffer.wrap(data), true), "sending a binary frame");
	}

	/**
	 * The first frame of the given type not taken yet; frames of other types stay for
	 * later calls, so the order in which independent frames arrive does not matter.
	 */
	JsonNode next(String type) {
		return next((frame) -> frame.path("type").asString().equals(type), "a '" + type + "' frame");
	}

	JsonNode next(Predicate<JsonNode> wanted, String description) {
		return next(wanted, description, Duration.ofSeconds(10));
	}

	JsonNode next(Predicate<JsonNode> wanted, String description, Duration timeout) {
		for (int i = 0; i < this.pending.size(); i++) {
			if (wanted.test(this.pending.get(i))) {
				return this.pending.remove(i);
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode frame;
			try {
				frame = this.frames.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				// Not an AssertionError: callers that treat "nothing came" as a normal
				// answer must not mistake an interrupt for it and go on waiting.
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while waiting for " + description, ex);
			}
			if (frame != null) {
				if (wanted.test(frame)) {
					return frame;
				}
				this.pending.add(frame);
			}
			else if (this.closed.isDone() && this.frames.isEmpty()) {
				// Every frame arrives before the close: none can come any more.
				throw new AssertionError("No " + description + ": the socket closed (" + this.closed.join() + ")");
			}
		}
		throw new AssertionError("No " + description + " within " + timeout);
	}

	/**
	 * Everything received until a short quiet period, for checking that nothing else
	 * came; at most 10 s of frames, should they never stop.
	 */
	List<JsonNode> drain(Duration quiet) {
		List<JsonNode> drained = new ArrayList<>(this.pending);
		this.pending.clear();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		try {
			JsonNode frame;
			while (System.nanoTime() < deadline
					&& (frame = this.frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
				drained.add(frame);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return drained;
	}

	/**
	 * @return the close code the server sent, or -1 when the connection broke without one
	 * (the JDK's client reports that as an error, not as a close)
	 */
	int awaitClose() {
		try {
			return this.closed.get(20, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("the socket was not closed within 20 s", ex);
		}
		catch (ExecutionException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return the type of every frame received so far, in the order they arrived
	 */
	List<String> arrivals() {
		synchronized (this.arrivals) {
			return List.copyOf(this.arrivals);
		}
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public void close() {
		this.socket.abort();
	}

	private final class Listener implements WebSocket.Listener {

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			LiveClient.this.partial.append(data);
			if (last) {
				JsonNode frame = JSON.readTree(LiveClient.this.partial.toString());
				LiveClient.this.arrivals.add(frame.path("type").asString());
				LiveClient.this.frames.add(frame);
				LiveClient.this.partial.setLength(0);
			}
			if (LiveClient.this.reading) {
				Duration delay = LiveClient.this.readTime;
				if (delay.isZero()) {
					webSocket.request(1);
				}
				else {
					PACING.schedule(() -> webSocket.request(1), delay.toNanos(), TimeUnit.NANOSECONDS);
				}
			}
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			LiveClient.this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			LiveClient.this.closed.complete(-1);
		}

	}

}
