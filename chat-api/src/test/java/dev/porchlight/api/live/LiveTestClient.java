package dev.porchlight.api.live;

import java.util.Map;

/**
 * A protocol client for tests outside this package: a thin public face of
 * {@link LiveClient} with the few conversations steps they need.
 */
public final class LiveTestClient implements AutoCloseable {

	/** The longest a catch-up after {@code subscribe} may take until {@code synced}. */
	static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(30);

	private final LiveClient client;

	private LiveTestClient(LiveClient client) {
		this.client = client;
	}

	public static LiveTestClient visitor(int port, String origin, String token) {
		return new LiveTestClient(LiveClient.visitor(port, origin, token));
	}

	public static LiveTestClient staff(int port, String origin, String sessionCookie) {
		return new LiveTestClient(LiveClient.staff(port, origin, sessionCookie));
	}

	/**
	 * A visitor client that stops reading after the handshake, like a frozen tab.
	 */
	public static LiveTestClient stalledVisitor(int port, String origin, String token) {
		return new LiveTestClient(LiveClient.stalledVisitor(port, origin, token));
	}

	/**
	 * The next frame of any type, waiting at most the given time.
	 * @return the frame, or null when none came
	 * @throws IllegalStateException when the waiting thread was interrupted
	 */
	public tools.jackson.databind.@org.jspecify.annotations.Nullable JsonNode poll(java.time.Duration timeout) {
		try {
			return this.client.next((frame) -> true, "a frame", timeout);
		}
		catch (AssertionError none) {
			return null;
		}
	}

	public boolean isClosed() {
		return this.client.isClosed();
	}

	public void send(Map<String, Object> frame) {
		this.client.send(frame);
	}

	/**
	 * The next frame of this type (frames of other types stay queued for later calls).
	 */
	public tools.jackson.databind.JsonNode next(String type) {
		return this.client.next(type);
	}

	public tools.jackson.databind.JsonNode next(java.util.function.Predicate<tools.jackson.databind.JsonNode> wanted,
			String description) {
		return this.client.next(wanted, description);
	}

	/**
	 * Sends a message and waits a limited time for its acknowledgement.
	 * @return the ack
	 * @throws AssertionError when none came in time
	 */
	public tools.jackson.databind.JsonNode say(String conversation, String clientId, String body,
			java.time.Duration timeout) {
		this.client.send(LiveProtocolIntegrationTests.send(conversation, clientId, body));
		return this.client.next((frame) -> frame.path("type").asString().equals("ack")
				&& frame.path("clientId").asString().equals(clientId), "the ack of " + clientId, timeout);
	}

	public tools.jackson.databind.JsonNode say(String conversation, String clientId, String body) {
		return say(conversation, clientId, body, java.time.Duration.ofSeconds(10));
	}

	public String startConversation() {
		return LiveProtocolIntegrationTests.start(this.client);
	}

	/**
	 * Sends a message and waits for its acknowledgement.
	 * @return the acknowledged sequence
	 */
	public long sendAndAck(String conversation, String clientId, String body) {
		return say(conversation, clientId, body).path("seq").asLong();
	}

	/**
	 * Subscribes after a sequence and returns the sequences received until
	 * {@code synced}.
	 */
	public java.util.List<Long> resume(String conversation, long afterSeq) {
		this.client.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", afterSeq));
		java.util.List<Long> seqs = new java.util.ArrayList<>();
		long deadline = System.nanoTime() + CATCH_UP.toNanos();
		while (System.nanoTime() < deadline) {
			var frame = this.client.next((node) -> node.path("type").asString().equals("event")
					|| node.path("type").asString().equals("synced"), "events");
			if (frame.path("type").asString().equals("synced")) {
				return seqs;
			}
			seqs.add(frame.path("seq").asLong());
		}
		throw new AssertionError("no 'synced' within " + CATCH_UP + " after " + seqs.size() + " events");
	}

	/**
	 * Subscribes and returns the error code the server answers with, or "ok".
	 */
	public String resumeOrError(String conversation, long afterSeq) {
		this.client.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", afterSeq));
		var frame = this.client.next(
				(node) -> node.path("type").asString().equals("error") || node.path("type").asString().equals("synced"),
				"an answer");
		return frame.path("type").asString().equals("error") ? frame.path("code").asString() : "ok";
	}

	/**
	 * Subscribes from the start and returns every message body received until synced.
	 */
	public java.util.List<String> resumeBodies(String conversation) {
		this.client.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		java.util.List<String> bodies = new java.util.ArrayList<>();
		long deadline = System.nanoTime() + CATCH_UP.toNanos();
		while (System.nanoTime() < deadline) {
			var frame = this.client.next((node) -> node.path("type").asString().equals("event")
					|| node.path("type").asString().equals("synced"), "events");
			if (frame.path("type").asString().equals("synced")) {
				return bodies;
			}
			bodies.add(frame.path("message").path("body").asString());
		}
		throw new AssertionError("no 'synced' within " + CATCH_UP + " after " + bodies.size() + " events");
	}

	/** Every frame received and not taken yet. */
	public java.util.List<tools.jackson.databind.JsonNode> drain() {
		return this.client.drain(java.time.Duration.ofMillis(50));
	}

	@Override
	public void close() {
		this.client.close();
	}

}
