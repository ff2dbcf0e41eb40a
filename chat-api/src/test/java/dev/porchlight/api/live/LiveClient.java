package dev.porchlight.api.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A protocol client for tests: a real WebSocket connection (the JDK's client, nothing of
 * Spring's), frames parsed as JSON and queued in arrival order.
 */
final class LiveClient implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

	// Frames received but not asked for yet: next() takes the first match and keeps the
	// rest.
	private final List<JsonNode> pending = new ArrayList<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private final WebSocket socket;

	private final boolean reading;

	private LiveClient(int port, String path, String origin, Map<String, String> headers, String token,
			boolean reading) {
		this.reading = reading;
		WebSocket.Builder builder = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.header("Origin", origin);
		headers.forEach(builder::header);
		if (token != null) {
			builder.subprotocols("porchlight.v1", "porchlight.token." + token);
		}
		this.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), new Listener()).join();
	}

	static LiveClient visitor(int port, String origin, String token) {
		return new LiveClient(port, "/ws/v1/visitor", origin, Map.of(), token, true);
	}

	/**
	 * A visitor client that stops reading after the handshake, like a frozen tab.
	 */
	static LiveClient stalledVisitor(int port, String origin, String token) {
		return new LiveClient(port, "/ws/v1/visitor", origin, Map.of(), token, false);
	}

	static LiveClient staff(int port, String origin, String sessionCookie) {
		return new LiveClient(port, "/ws/v1/staff", origin, Map.of("Cookie", "PORCHLIGHT_SESSION=" + sessionCookie),
				null, true);
	}

	void send(Map<String, Object> frame) {
		sendRaw(JSON.writeValueAsString(frame));
	}

	void sendRaw(String text) {
		this.socket.sendText(text, true).join();
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
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
			if (frame != null) {
				if (wanted.test(frame)) {
					return frame;
				}
				this.pending.add(frame);
			}
		}
		throw new AssertionError("No " + description + " within " + timeout);
	}

	/**
	 * Everything received within a short quiet period, for checking that nothing else
	 * came.
	 */
	List<JsonNode> drain(Duration quiet) {
		List<JsonNode> drained = new ArrayList<>(this.pending);
		this.pending.clear();
		try {
			JsonNode frame;
			while ((frame = this.frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
				drained.add(frame);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return drained;
	}

	int awaitClose() {
		return this.closed.orTimeout(20, TimeUnit.SECONDS).join();
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
				LiveClient.this.frames.add(JSON.readTree(LiveClient.this.partial.toString()));
				LiveClient.this.partial.setLength(0);
			}
			if (LiveClient.this.reading) {
				webSocket.request(1);
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
