package dev.porchlight.api.live;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox's hand-over: the thread that answers a socket's own frame writes the answer
 * and returns to the socket's next frame; what others queued meanwhile is written by a
 * drainer of its own, in order. And when a client counts as stalled: a write that gets no
 * frame out for the send-time limit, however long a slow reader takes over a burst. And
 * on a Jakarta WebSocket server, frames that waited together are written as one batch.
 */
class OutboxSessionDecoratorUnitTests {

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	@Test
	void theAnsweringThreadLeavesQueuedEventsToADrainerAndReturns() throws Exception {
		CountDownLatch inAck = new CountDownLatch(1);
		CountDownLatch queued = new CountDownLatch(1);
		CountDownLatch gate = new CountDownLatch(1);
		RecordingSession session = new RecordingSession((payload) -> {
			if (payload.equals("ack-1")) {
				inAck.countDown();
				pass(queued);
			}
			else if (payload.equals("event-1")) {
				// The client reads slowly: this write takes until the test lets it go.
				pass(gate);
			}
		});
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, 1 << 20, DEADLINE.toNanos());
		outbox.open("welcome");
		await().atMost(DEADLINE).until(() -> session.sent.equals(List.of("welcome")));

		Thread answering = Thread.ofVirtual().start(() -> outbox.reply("ack-1"));
		assertThat(inAck.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// Events for this socket arrive while its answer is being written.
		outbox.send("event-1");
		outbox.send("event-2");
		queued.countDown();

		// The answering thread is free again although event-1 is still being written.
		assertThat(answering.join(DEADLINE)).isTrue();
		assertThat(gate.getCount()).isEqualTo(1);
		await().atMost(DEADLINE).until(() -> session.writing.contains("event-1"));
		assertThat(session.sent).containsExactly("welcome", "ack-1");

		gate.countDown();
		await().atMost(DEADLINE).until(() -> session.sent.size() == 4);
		assertThat(session.sent).containsExactly("welcome", "ack-1", "event-1", "event-2");
		// Drained: the next answer is written inline again.
		await().atMost(DEADLINE).until(() -> outbox.queued() == 0);
		Thread second = Thread.ofVirtual().start(() -> outbox.reply("ack-2"));
		assertThat(second.join(DEADLINE)).isTrue();
		await().atMost(DEADLINE).until(() -> session.sent.size() == 5);
		assertThat(session.sent).endsWith("ack-2");
	}

	@Test
	void aCloseWaitingForAnInlineAnswerFollowsIt() throws Exception {
		CountDownLatch inAck = new CountDownLatch(1);
		CountDownLatch closing = new CountDownLatch(1);
		RecordingSession session = new RecordingSession((payload) -> {
			if (payload.equals("error")) {
				inAck.countDown();
				pass(closing);
			}
		});
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, 1 << 20, DEADLINE.toNanos());
		outbox.open("welcome");
		await().atMost(DEADLINE).until(() -> session.sent.equals(List.of("welcome")));

		Thread answering = Thread.ofVirtual().start(() -> outbox.reply("error"));
		assertThat(inAck.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		outbox.closeWhenFlushed(CloseCodes.ABUSE);
		assertThat(session.closedWith).isNull();
		closing.countDown();

		assertThat(answering.join(DEADLINE)).isTrue();
		await().atMost(DEADLINE).until(() -> session.closedWith != null);
		assertThat(session.closedWith).isEqualTo(CloseCodes.ABUSE);
		assertThat(session.sent).containsExactly("welcome", "error");
	}

	@Test
	void aWriteIsStalledOnlyWhenNoFrameGetsOutForTheSendTimeLimit() throws Exception {
		AtomicLong now = new AtomicLong(1_000);
		long limit = Duration.ofSeconds(2).toNanos();
		Map<String, CountDownLatch> gates = Map.of("welcome", new CountDownLatch(1), "event-1", new CountDownLatch(1),
				"event-2", new CountDownLatch(1));
		RecordingSession session = new RecordingSession((payload) -> pass(gates.get(payload)));
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, 1 << 20, limit, now::get);
		outbox.open("welcome");
		await().atMost(DEADLINE).until(() -> session.writing.contains("welcome"));
		// Both queue behind the welcome, so the drainer writes them together.
		outbox.send("event-1");
		outbox.send("event-2");
		gates.get("welcome").countDown();
		await().atMost(DEADLINE).until(() -> session.writing.contains("event-1"));

		// A slow reader: each frame takes 1.5 s to get out, the two together 3 s.
		now.addAndGet(Duration.ofMillis(1500).toNanos());
		assertThat(outbox.stalled()).isFalse();
		gates.get("event-1").countDown();
		await().atMost(DEADLINE).until(() -> session.writing.contains("event-2"));
		now.addAndGet(Duration.ofMillis(1500).toNanos());
		assertThat(outbox.stalled()).as("3 s into the write, 1.5 s since a frame got out").isFalse();

		// A stalled one: nothing gets out for longer than the limit.
		now.addAndGet(Duration.ofMillis(600).toNanos());
		assertThat(outbox.stalled()).isTrue();
		gates.get("event-2").countDown();
		await().atMost(DEADLINE).until(() -> session.sent.size() == 3);
		await().atMost(DEADLINE).until(() -> !outbox.stalled());
		assertThat(session.sent).containsExactly("welcome", "event-1", "event-2");
	}

	@Test
	void framesThatWaitedTogetherGoOutInOneBatchInOrder() throws Exception {
		JakartaEndpoint endpoint = new JakartaEndpoint((frame) -> {
		});
		OutboxSessionDecorator outbox = threeEventsBehindTheWelcome(endpoint);

		await().atMost(DEADLINE).until(() -> endpoint.calls.contains("batching false"));
		assertThat(endpoint.calls).containsExactly("send welcome", "batching true", "batch event-1", "batch event-2",
				"batch event-3", "flush", "batching false");
		assertThat(outbox.stalled()).isFalse();
		assertThat(outbox.closedWith()).isNull();
	}

	@Test
	void aBatchThatCannotBeWrittenDropsTheRestAndClosesTheSocketAsTooSlow() throws Exception {
		JakartaEndpoint endpoint = new JakartaEndpoint((frame) -> {
			if (frame.equals("event-2")) {
				throw new IOException("Broken pipe");
			}
		});
		OutboxSessionDecorator outbox = threeEventsBehindTheWelcome(endpoint);

		await().atMost(DEADLINE).until(() -> endpoint.closedWith.get() != null);
		assertThat(endpoint.closedWith.get()).isEqualTo(CloseCodes.TOO_SLOW.getCode());
		assertThat(outbox.closedWith()).isEqualTo(CloseCodes.TOO_SLOW);
		// Nothing after the failed frame is written or flushed, the endpoint is left
		// unbatched, and what comes later is not queued for a socket that is gone.
		assertThat(endpoint.calls).containsExactly("send welcome", "batching true", "batch event-1", "batching false");
		outbox.send("event-4");
		assertThat(outbox.queued()).isZero();
		assertThat(endpoint.writing).containsExactly("welcome", "event-1", "event-2");
	}

	/**
	 * Opens an outbox on the endpoint and queues three events while its welcome is still
	 * being written, so that the drainer takes them together.
	 */
	private static OutboxSessionDecorator threeEventsBehindTheWelcome(JakartaEndpoint endpoint) {
		CountDownLatch welcomeGate = new CountDownLatch(1);
		endpoint.holdWhileWriting("welcome", welcomeGate);
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(endpoint.session(), 1 << 20, DEADLINE.toNanos());
		outbox.open("welcome");
		await().atMost(DEADLINE).until(() -> endpoint.writing.contains("welcome"));
		outbox.send("event-1");
		outbox.send("event-2");
		outbox.send("event-3");
		welcomeGate.countDown();
		return outbox;
	}

	private static void pass(CountDownLatch latch) {
		try {
			if (!latch.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test did not go on in time");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A socket that records what is written to it, in order. */
	private static final class RecordingSession implements WebSocketSession {

		/** Frames whose write has started. */
		final List<String> writing = new CopyOnWriteArrayList<>();

		/** Frames written. */
		final List<String> sent = new CopyOnWriteArrayList<>();

		volatile @Nullable CloseStatus closedWith;

		private final java.util.function.Consumer<String> onWrite;

		private final Map<String, Object> attributes = new ConcurrentHashMap<>();

		RecordingSession(java.util.function.Consumer<String> onWrite) {
			this.onWrite = onWrite;
		}

		@Override
		public void sendMessage(WebSocketMessage<?> message) {
			String payload = ((TextMessage) message).getPayload();
			this.writing.add(payload);
			this.onWrite.accept(payload);
			this.sent.add(payload);
		}

		@Override
		public boolean isOpen() {
			return this.closedWith == null;
		}

		@Override
		public void close() {
			close(CloseStatus.NORMAL);
		}

		@Override
		public void close(CloseStatus status) {
			this.closedWith = status;
		}

		@Override
		public String getId() {
			return "test";
		}

		@Override
		public @Nullable URI getUri() {
			return null;
		}

		@Override
		public HttpHeaders getHandshakeHeaders() {
			return new HttpHeaders();
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		@Override
		public @Nullable Principal getPrincipal() {
			return null;
		}

		@Override
		public @Nullable InetSocketAddress getLocalAddress() {
			return null;
		}

		@Override
		public @Nullable InetSocketAddress getRemoteAddress() {
			return null;
		}

		@Override
		public @Nullable String getAcceptedProtocol() {
			return null;
		}

		@Override
		public void setTextMessageSizeLimit(int messageSizeLimit) {
		}

		@Override
		public int getTextMessageSizeLimit() {
			return 0;
		}

		@Override
		public void setBinaryMessageSizeLimit(int messageSizeLimit) {
		}

		@Override
		public int getBinaryMessageSizeLimit() {
			return 0;
		}

		@Override
		public List<WebSocketExtension> getExtensions() {
			return List.of();
		}

	}

	/** What a frame write does before it is recorded. */
	@FunctionalInterface
	private interface FrameWrite {

		void write(String frame) throws IOException;

	}

	/**
	 * A Jakarta WebSocket session, as Tomcat and Jetty give one to Spring, that records
	 * the calls made on its blocking endpoint in order.
	 */
	private static final class JakartaEndpoint {

		/** The calls made, each once it returned. */
		final List<String> calls = new CopyOnWriteArrayList<>();

		/** Frames whose write has started. */
		final List<String> writing = new CopyOnWriteArrayList<>();

		final AtomicReference<@Nullable Integer> closedWith = new AtomicReference<>();

		private final FrameWrite onWrite;

		private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

		private volatile boolean open = true;

		JakartaEndpoint(FrameWrite onWrite) {
			this.onWrite = onWrite;
		}

		/** Makes the write of a frame wait until the latch is counted down. */
		void holdWhileWriting(String frame, CountDownLatch latch) {
			this.holds.put(frame, latch);
		}

		WebSocketSession session() {
			RemoteEndpoint.Basic remote = proxy(RemoteEndpoint.Basic.class, (method, args) -> switch (method) {
				case "setBatchingAllowed" -> {
					this.calls.add("batching " + args[0]);
					yield null;
				}
				case "sendText" -> {
					String frame = (String) args[0];
					// sendText(text) is the batched write; sendText(text, last)
					// the
					// single frame through Spring's session.
					this.writing.add(frame);
					CountDownLatch hold = this.holds.get(frame);
					if (hold != null) {
						pass(hold);
					}
					this.onWrite.write(frame);
					this.calls.add(((args.length == 1) ? "batch " : "send ") + frame);
					yield null;
				}
				case "flushBatch" -> {
					this.calls.add("flush");
					yield null;
				}
				default -> throw new UnsupportedOperationException(method);
			});
			Session nativeSession = proxy(Session.class, (method, args) -> switch (method) {
				case "getBasicRemote" -> remote;
				case "isOpen" -> this.open;
				case "getId" -> "native-1";
				case "getRequestURI" -> URI.create("ws://localhost/live");
				case "getNegotiatedExtensions" -> List.of();
				case "close" -> {
					this.open = false;
					this.closedWith.set(((CloseReason) args[0]).getCloseCode().getCode());
					yield null;
				}
				default -> null;
			});
			StandardWebSocketSession session = new StandardWebSocketSession(new HttpHeaders(),
					new ConcurrentHashMap<>(), new InetSocketAddress("127.0.0.1", 8080),
					new InetSocketAddress("127.0.0.1", 50000));
			session.initializeNativeSession(nativeSession);
			return session;
		}

		@FunctionalInterface
		private interface Call {

			@Nullable Object answer(String method, Object[] args) throws Exception;

		}

		private static <T> T proxy(Class<T> type, Call call) {
			return type
				.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (self, method, args) -> {
					if (method.getDeclaringClass() == Object.class) {
						return switch (method.getName()) {
							case "hashCode" -> System.identityHashCode(self);
							case "equals" -> self == args[0];
							default -> type.getSimpleName();
						};
					}
					return call.answer(method.getName(), (args != null) ? args : new Object[0]);
				}));
		}

	}

}
