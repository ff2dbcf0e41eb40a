package dev.porchlight.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client WebSocket of the load generator (the JDK's client). Sends are queued so a
 * caller never waits for the network (the JDK allows one outstanding send per socket);
 * received text frames go to a handler, or to a queue while a client is being set up.
 * Sockets leave from a chosen loopback source address: the server's per-address limits
 * and the client's ephemeral ports then spread over several addresses, as with real
 * visitors.
 */
final class Conn {

	private static final Map<InetAddress, HttpClient> CLIENTS = new ConcurrentHashMap<>();

	private final Queue<String> outbox = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean sending = new AtomicBoolean();

	private final BlockingQueue<String> setup = new LinkedBlockingQueue<>();

	private final boolean engineIo;

	private volatile Consumer<String> handler = this.setup::add;

	private volatile boolean closed;

	private volatile int closeCode;

	private WebSocket socket;

	/** The server's first frame, where the protocol has one worth keeping. */
	volatile String welcome;

	private Conn(boolean engineIo) {
		this.engineIo = engineIo;
	}

	/**
	 * One HTTP client per source address: every client has its own selector thread, so a
	 * few addresses carry many sockets each.
	 */
	static HttpClient client(InetAddress source) {
		return CLIENTS.computeIfAbsent(source,
				(address) -> HttpClient.newBuilder()
					.version(HttpClient.Version.HTTP_1_1)
					.localAddress(address)
					.connectTimeout(Duration.ofSeconds(20))
					.build());
	}

	/**
	 * Opens a socket.
	 * @param source the local address to connect from
	 * @param uri the server's address
	 * @param headers extra handshake headers (e.g. Origin, Cookie)
	 * @param subprotocols requested subprotocols, may be empty
	 * @param engineIo whether the server speaks Engine.IO (then its pings are answered
	 * here)
	 * @return the open socket
	 */
	static Conn open(InetAddress source, URI uri, Map<String, String> headers, List<String> subprotocols,
			boolean engineIo) {
		Conn conn = new Conn(engineIo);
		WebSocket.Builder builder = client(source).newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20));
		headers.forEach(builder::header);
		if (!subprotocols.isEmpty()) {
			builder.subprotocols(subprotocols.get(0),
					subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
		}
		conn.socket = builder.buildAsync(uri, conn.new Listener()).join();
		return conn;
	}

	void send(String text) {
		this.outbox.add(text);
		pump();
	}

	private void pump() {
		while (!this.outbox.isEmpty() && this.sending.compareAndSet(false, true)) {
			String next = this.outbox.poll();
			if (next == null) {
				this.sending.set(false);
				continue;
			}
			if (this.closed) {
				this.sending.set(false);
				return;
			}
			this.socket.sendText(next, true).whenComplete((ws, failure) -> {
				if (failure != null) {
					this.closed = true;
				}
				this.sending.set(false);
				pump();
			});
			return;
		}
	}

	/**
	 * The next text frame received while no handler is set.
	 * @param timeout how long to wait
	 * @return the frame
	 * @throws IllegalStateException when none came in time
	 */
	String next(Duration timeout) {
		try {
			String text = this.setup.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (text == null) {
				throw new IllegalStateException(
						"No frame within " + timeout + (this.closed ? " (closed " + this.closeCode + ")" : ""));
			}
			return text;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The next frame containing the given text, skipping others.
	 * @param needle what the frame must contain
	 * @param timeout how long to wait in all
	 * @return the frame
	 */
	String next(String needle, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new IllegalStateException("No frame with " + needle + " within " + timeout);
			}
			String text = next(Duration.ofNanos(left));
			if (text.contains(needle)) {
				return text;
			}
		}
	}

	/** From now on every frame goes to this handler. */
	void handler(Consumer<String> handler) {
		this.handler = handler;
		String queued;
		while ((queued = this.setup.poll()) != null) {
			handler.accept(queued);
		}
	}

	boolean closed() {
		return this.closed;
	}

	void close() {
		if (!this.closed) {
			this.closed = true;
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally((ex) -> null);
		}
	}

	/** Drops the connection without a closing handshake. */
	void abort() {
		this.closed = true;
		this.socket.abort();
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			String text;
			if (last && this.partial.isEmpty()) {
				text = data.toString();
			}
			else {
				this.partial.append(data);
				text = null;
				if (last) {
					text = this.partial.toString();
					this.partial.setLength(0);
				}
			}
			if (text != null) {
				if (Conn.this.engineIo && text.equals("2")) {
					// Engine.IO heartbeat: the server pings, the client answers.
					send("3");
				}
				else {
					Conn.this.handler.accept(text);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			if (!Conn.this.closed) {
				// Closed by the server, not by the harness: say why (a run's "closed N").
				System.err.println("[conn] closed by the server: " + statusCode + " " + reason);
			}
			Conn.this.closed = true;
			Conn.this.closeCode = statusCode;
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			if (!Conn.this.closed) {
				System.err.println("[conn] failed: " + error);
			}
			Conn.this.closed = true;
		}

	}

}
