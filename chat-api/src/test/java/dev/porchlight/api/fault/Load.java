package dev.porchlight.api.fault;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.live.LiveTestClient;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * A steady chat load that behaves like the widget and the dashboard: visitors write in
 * their own conversations, a staff member answers in all of them, and an owner's
 * dashboard follows every conversation. Every client keeps an unacknowledged message
 * until the server acknowledges it and sends it again with the same client id after any
 * failure: after {@code retryAfterMs} on an {@code error}, on a new socket to the next
 * node when its socket died or stayed silent. Every client records what it was sent and
 * what it saw, so the history can be checked afterwards.
 *
 * <p>
 * Every wait has a deadline. A client that no node welcomes in time, a refusal no retry
 * can mend, or any other error ends that client's thread and is kept in
 * {@link #failures()}, which the checks report, instead of a retry loop going on forever.
 */
final class Load {

	static final String APP = "https://chat.porchlight.example";

	static final String OWNER_EMAIL = "owner@shop.example";

	static final String OWNER_PASSWORD = "owner password 123";

	/** How long a socket may stay silent after a send before the client moves on. */
	static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

	/** How long a new socket may take to say {@code welcome} on a busy machine. */
	static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * How long a client keeps trying to get a socket welcomed by some node: far longer
	 * than any fault here keeps every node unavailable.
	 */
	static final Duration CONNECT_DEADLINE = Duration.ofSeconds(60);

	/**
	 * How long a message is resent until it is acknowledged before the writer gives up.
	 */
	static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(60);

	private final int[] ports;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Thread> threads = new ArrayList<>();

	private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

	final List<Client> visitors = new ArrayList<>();

	final Client staff;

	final Client dashboard;

	/** Conversation id → the token of the visitor who started it. */
	final Map<String, String> conversations = new LinkedHashMap<>();

	/**
	 * @param ports the nodes' ports
	 * @param siteKey the site the visitors write on
	 * @param visitors how many visitors
	 * @param prefix makes this load's client ids unique
	 */
	Load(int[] ports, String siteKey, int visitors, String prefix) {
		this.ports = ports;
		for (int i = 0; i < visitors; i++) {
			String token = visitorToken(ports[i % ports.length], siteKey);
			Client visitor = new Client(prefix + "v" + i, i % ports.length, false, token);
			visitor.connect();
			String conversation = visitor.socket.startConversation();
			visitor.follow(conversation);
			visitor.writesIn.add(conversation);
			this.conversations.put(conversation, token);
			this.visitors.add(visitor);
		}
		this.staff = new Client(prefix + "s", 0, true, null);
		this.staff.writesIn.addAll(this.conversations.keySet());
		this.dashboard = new Client(prefix + "d", 1 % ports.length, true, null);
		this.conversations.keySet().forEach(this.dashboard::follow);
	}

	/**
	 * A visitor token, as the widget gets one: asked again while a node answers with a
	 * server error or a rate limit (e.g. right after Redis came back), refused at once
	 * for anything else. A failed answer is never taken for a token: the missing token of
	 * one made its client retry a refused handshake forever (issue 16).
	 * @param port the node
	 * @param siteKey the site
	 * @return the token
	 */
	static String visitorToken(int port, String siteKey) {
		ApiClient client = new ApiClient(port).header("Origin", APP);
		String request = ApiClient.json(Map.of("siteKey", siteKey));
		List<String> answers = new ArrayList<>();
		try {
			return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
				ApiClient.Response response = client.post("/api/v1/visitor/session", request);
				if (response.status() == 200) {
					if (!answers.isEmpty()) {
						System.out.println("Visitor token from port " + port + " after " + answers.size()
								+ " failed attempts: " + answers);
					}
					return response.text("/token");
				}
				answers.add(response.toString());
				if (response.status() < 500 && response.status() != 429) {
					throw new IllegalStateException("the visitor session was refused: " + response);
				}
				return null;
			}, Objects::nonNull);
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("no visitor token from port " + port + " within 30 s: " + answers, ex);
		}
	}

	/**
	 * Starts writing: each visitor every {@code visitorPause}, the staff member every
	 * {@code staffPause} (in each conversation in turn).
	 */
	void start(Duration visitorPause, Duration staffPause) {
		for (Client visitor : this.visitors) {
			this.threads.add(thread(visitor.name, () -> visitor.write(visitorPause)));
		}
		this.threads.add(thread(this.staff.name, () -> this.staff.write(staffPause)));
		this.threads.add(thread(this.dashboard.name, this.dashboard::read));
	}

	/** A client's thread; whatever ends it early is kept as a failure. */
	private Thread thread(String name, Runnable body) {
		return Thread.ofPlatform().name(name).start(() -> {
			try {
				body.run();
			}
			catch (RuntimeException | AssertionError ex) {
				this.failures.add(name + " stopped: " + ex);
			}
		});
	}

	/**
	 * Waits until every writer had this many more messages acknowledged than now, so that
	 * a phase of the load lasts as long as the machine needs to get through it, not a
	 * fixed time that a busy machine may spend on something else.
	 * @param more acknowledgements each writer needs beyond what it has now
	 * @param atMost how long that may take
	 * @return whether they came in time (when not, the checks show what is missing)
	 */
	boolean awaitAcks(int more, Duration atMost) {
		Map<Client, Long> before = new HashMap<>();
		writers().forEach((writer) -> before.put(writer, writer.acked()));
		try {
			Awaitility.await()
				.atMost(atMost)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> !this.failures.isEmpty()
						|| writers().stream().allMatch((writer) -> writer.acked() >= before.get(writer) + more));
			return this.failures.isEmpty();
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	/**
	 * Stops writing; every message sent is acknowledged before its writer stops (or the
	 * writer gives up after {@link #DELIVERY_DEADLINE}, which the checks then report).
	 */
	void stopWriting() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			if (thread.getName().equals(this.dashboard.name)) {
				continue;
			}
			thread.join(DELIVERY_DEADLINE.plusSeconds(30));
			if (thread.isAlive()) {
				this.failures.add(thread.getName() + " did not stop writing");
			}
		}
	}

	/** Stops the dashboard reader and closes every socket. */
	void close() throws InterruptedException {
		this.running.set(false);
		this.dashboard.stopReading.set(true);
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(30));
			// Whatever it still waits for, it is not left behind.
			thread.interrupt();
		}
		this.visitors.forEach(Client::closeSocket);
		this.staff.closeSocket();
		this.dashboard.closeSocket();
	}

	/**
	 * @return what went wrong in the load's own threads (clients no node welcomed in
	 * time, refusals, errors); empty when nothing did
	 */
	List<String> failures() {
		synchronized (this.failures) {
			return List.copyOf(this.failures);
		}
	}

	List<Client> writers() {
		List<Client> writers = new ArrayList<>(this.visitors);
		writers.add(this.staff);
		return writers;
	}

	/**
	 * The longest time a message waited for its acknowledgement: what the fault cost the
	 * person who was typing.
	 */
	long longestWaitMillis() {
		return writers().stream()
			.flatMap((client) -> client.sent.stream())
			.filter(Sent::acked)
			.mapToLong((sent) -> sent.ackedAt() - sent.sentAt())
			.max()
			.orElse(0) / 1_000_000;
	}

	/**
	 * The time from a send to its acknowledgement that this share of the acknowledged
	 * messages sent before a moment stayed within.
	 * @param quantile e.g. 0.5 or 0.99
	 * @param sentBefore {@link System#nanoTime()} of the moment
	 * @return milliseconds
	 */
	double ackMillis(double quantile, long sentBefore) {
		long[] waits = writers().stream()
			.flatMap((client) -> client.sent.stream())
			.filter((sent) -> sent.acked() && sent.sentAt() - sentBefore < 0)
			.mapToLong((sent) -> sent.ackedAt() - sent.sentAt())
			.sorted()
			.toArray();
		if (waits.length == 0) {
			return 0;
		}
		return waits[(int) Math.min(waits.length - 1, Math.ceil(quantile * waits.length) - 1)] / 1e6;
	}

	/**
	 * Pauses; an interrupt ends the pause and stays set, so that every loop here (they
	 * all check it) ends too.
	 */
	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return whether a loop with this deadline must stop: the time is up, or the thread
	 * was interrupted
	 */
	static boolean over(long deadlineNanos) {
		return System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted();
	}

	/** One message that was sent, and when it was acknowledged. */
	record Sent(String conversation, String clientId, long sentAt, long ackedAt, long seq) {

		boolean acked() {
			return this.ackedAt != 0;
		}

	}

	/**
	 * A client of the load: a visitor (its token) or a staff member (the owner, signing
	 * in again when its session is gone). It writes, reads, or both.
	 */
	final class Client {

		final String name;

		final boolean staffSide;

		private final String token;

		private String cookie;

		// One REST client per node to sign in with, not one per attempt.
		private final Map<Integer, ApiClient> apis = new HashMap<>();

		private int node;

		// Why the last attempt to connect failed, for the report when none succeeds.
		private String lastFailure = "none";

		LiveTestClient socket;

		final List<String> writesIn = new ArrayList<>();

		/** What this client sent, in order (read by other threads while it writes). */
		final List<Sent> sent = new CopyOnWriteArrayList<>();

		/**
		 * Conversation → what this client saw of it: sequence → client id of messages.
		 */
		final Map<String, TreeMap<Long, String>> seen = new ConcurrentHashMap<>();

		/** Conversation → the highest sequence seen. */
		final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

		/** Events received again (a sequence at or below one already seen). */
		final AtomicLong redelivered = new AtomicLong();

		/** Events that skipped a sequence on a socket. */
		final AtomicLong gaps = new AtomicLong();

		final AtomicLong reconnects = new AtomicLong();

		final AtomicBoolean stopReading = new AtomicBoolean();

		/** Error codes the server answered with, and how often. */
		final Map<String, Long> errors = new ConcurrentHashMap<>();

		Client(String name, int node, boolean staffSide, String token) {
			this.name = name;
			this.node = node;
			this.staffSide = staffSide;
			this.token = token;
		}

		void follow(String conversation) {
			this.seen.putIfAbsent(conversation, new TreeMap<>());
			this.lastSeen.putIfAbsent(conversation, 0L);
		}

		/**
		 * Opens a socket to the current node, or to the next ones in turn, until one
		 * welcomes it; then subscribes again after what it has seen.
		 * @throws IllegalStateException when no node welcomed it within
		 * {@link #CONNECT_DEADLINE}, or when a visitor's token is refused (which no retry
		 * mends)
		 */
		void connect() {
			long backoff = 100;
			boolean first = this.socket == null && this.sent.isEmpty();
			long deadline = System.nanoTime() + CONNECT_DEADLINE.toNanos();
			while (!over(deadline)) {
				int port = Load.this.ports[this.node];
				try {
					LiveTestClient candidate = open(port);
					JsonNode hello = candidate.poll(WELCOME_TIMEOUT);
					if (hello != null && hello.path("type").asString().equals("welcome")) {
						this.socket = candidate;
						if (!first) {
							this.reconnects.incrementAndGet();
						}
						this.lastSeen.forEach((conversation, after) -> this.socket
							.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", after)));
						return;
					}
					// e.g. error unavailable before a 1012 close: storage is down
					this.lastFailure = "port " + port + " answered "
							+ ((hello != null) ? hello.toString() : "nothing within " + WELCOME_TIMEOUT);
					candidate.close();
				}
				catch (RuntimeException ex) {
					this.lastFailure = "port " + port + ": " + ex
							+ ((ex.getCause() != null) ? ", caused by " + ex.getCause() : "");
					int refused = refusedWith(ex);
					if (refused != 0 && !this.staffSide) {
						throw new IllegalStateException(this.name + "'s visitor token was refused with " + refused, ex);
					}
					if (refused != 0) {
						// The session is gone: sign in again.
						this.cookie = null;
					}
				}
				this.node = (this.node + 1) % Load.this.ports.length;
				sleep(backoff);
				backoff = Math.min(1000, backoff * 2);
			}
			throw new IllegalStateException(this.name + " found no node to welcome it within " + CONNECT_DEADLINE
					+ "; last failure: " + this.lastFailure);
		}

		private LiveTestClient open(int port) {
			if (!this.staffSide) {
				return LiveTestClient.visitor(port, APP, this.token);
			}
			if (this.cookie == null) {
				ApiClient owner = this.apis.computeIfAbsent(port, ApiClient::new);
				ApiClient.Response signedIn = owner.signIn(OWNER_EMAIL, OWNER_PASSWORD);
				if (signedIn.status() != 200 && signedIn.status() != 204) {
					throw new IllegalStateException("sign-in answered " + signedIn.status());
				}
				this.cookie = owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
			}
			return LiveTestClient.staff(port, APP, this.cookie);
		}

		/** The handshake's status when a node refused it for its credentials, else 0. */
		private static int refusedWith(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof WebSocketHandshakeException handshake) {
					int status = handshake.getResponse().statusCode();
					return (status == 401 || status == 403) ? status : 0;
				}
			}
			return 0;
		}

		void closeSocket() {
			if (this.socket != null) {
				this.socket.close();
			}
		}

		/** Writes until the load stops, one message per pause. */
		void write(Duration pause) {
			int k = 0;
			while (Load.this.running.get() && !Thread.currentThread().isInterrupted()) {
				String conversation = this.writesIn.get(k % this.writesIn.size());
				String clientId = this.name + "-" + k++;
				deliver(conversation, clientId);
				pump(pause.toMillis());
			}
		}

		/** Reads until stopped, reconnecting whenever its socket dies. */
		void read() {
			while (!this.stopReading.get() && !Thread.currentThread().isInterrupted()) {
				if (this.socket == null || this.socket.isClosed()) {
					closeSocket();
					this.socket = null;
					connect();
				}
				pump(100);
			}
		}

		/**
		 * Sends one message until it is acknowledged, or {@link #DELIVERY_DEADLINE}
		 * passed (then it is recorded as never acknowledged).
		 */
		private void deliver(String conversation, String clientId) {
			long sentAt = System.nanoTime();
			long giveUp = sentAt + DELIVERY_DEADLINE.toNanos();
			Map<String, Object> frame = new HashMap<>();
			frame.put("type", "send");
			frame.put("ref", clientId);
			frame.put("conversationId", conversation);
			frame.put("clientId", clientId);
			frame.put("body", "message " + clientId);
			while (!over(giveUp)) {
				if (this.socket == null) {
					connect();
				}
				try {
					this.socket.send(frame);
				}
				catch (RuntimeException ex) {
					dropSocket();
					continue;
				}
				long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
				boolean resend = false;
				while (!resend) {
					if (over(deadline) || this.socket.isClosed()) {
						// Silent or gone: try the next node.
						dropSocket();
						break;
					}
					JsonNode answer = this.socket
						.poll(Duration.ofNanos(Math.min(deadline - System.nanoTime(), 100_000_000L)));
					if (answer == null) {
						continue;
					}
					String type = answer.path("type").asString();
					if (type.equals("ack") && answer.path("clientId").asString().equals(clientId)) {
						this.sent.add(new Sent(conversation, clientId, sentAt, System.nanoTime(),
								answer.path("seq").asLong()));
						return;
					}
					if (type.equals("error") && answer.path("ref").asString().equals(clientId)) {
						String code = answer.path("code").asString();
						this.errors.merge(code, 1L, Long::sum);
						if (!Set.of("unavailable", "rate_limited", "internal_error").contains(code)) {
							throw new IllegalStateException(this.name + ": " + clientId + " refused: " + answer);
						}
						sleep(Math.max(50, answer.path("retryAfterMs").asLong(250)));
						resend = true;
					}
					else {
						handle(answer);
					}
				}
			}
			this.sent.add(new Sent(conversation, clientId, sentAt, 0, 0));
		}

		private void dropSocket() {
			closeSocket();
			this.socket = null;
			this.node = (this.node + 1) % Load.this.ports.length;
		}

		/** Takes frames for a while, recording events. */
		void pump(long millis) {
			long until = System.nanoTime() + millis * 1_000_000;
			while (this.socket != null && !over(until)) {
				JsonNode frame = this.socket.poll(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
				if (frame != null) {
					handle(frame);
				}
				else if (this.socket.isClosed()) {
					return;
				}
			}
		}

		private void handle(JsonNode frame) {
			if (!frame.path("type").asString().equals("event")) {
				return;
			}
			String conversation = frame.path("conversationId").asString();
			if (!this.lastSeen.containsKey(conversation)) {
				return;
			}
			long seq = frame.path("seq").asLong();
			long last = this.lastSeen.get(conversation);
			if (seq <= last) {
				this.redelivered.incrementAndGet();
				return;
			}
			if (seq != last + 1) {
				this.gaps.incrementAndGet();
			}
			this.lastSeen.put(conversation, seq);
			if (frame.path("kind").asString().equals("message")) {
				this.seen.get(conversation).put(seq, frame.path("message").path("clientId").asString());
			}
		}

		long acked() {
			return this.sent.stream().filter(Sent::acked).count();
		}

		/** Client ids this client sent in a conversation, in order. */
		List<String> sentIn(String conversation) {
			return this.sent.stream()
				.filter((sent) -> sent.conversation().equals(conversation))
				.map(Sent::clientId)
				.toList();
		}

	}

}
