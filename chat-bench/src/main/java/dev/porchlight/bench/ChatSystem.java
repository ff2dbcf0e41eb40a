package dev.porchlight.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * A system under test as the load generator sees it: Porchlight's porchlight.v1 protocol,
 * or the peer's Socket.IO (Engine.IO v4 over a plain WebSocket). The generator only needs
 * to open visitor and staff sockets, start or follow a conversation and send a message;
 * deliveries are recognised by the client id in the frame, the same in both protocols.
 */
interface ChatSystem {

	String name();

	List<Integer> ports();

	/**
	 * A visitor socket with a conversation of its own.
	 * @param node which node to connect to
	 * @param source the socket's source address
	 * @param tokenSource the source address for any HTTP set-up request
	 * @return the visitor
	 */
	Visitor visitor(int node, InetAddress source, InetAddress tokenSource);

	/** An owner socket. */
	Conn staff(int node, InetAddress source);

	/** A visitor socket that only connects and stays idle. */
	Conn idleVisitor(int node, InetAddress source, InetAddress tokenSource);

	String sendFrame(String conversationId, String clientId, String body);

	String subscribeFrame(String conversationId);

	/** The client heartbeat the server needs, or null if the server pings. */
	String pingFrame();

	record Visitor(Conn conn, String conversationId) {
	}

	/** Porchlight's porchlight.v1 protocol (docs/protocol.md). */
	final class Porchlight implements ChatSystem {

		static final String ORIGIN = "https://chat.bench.example";

		private final List<Integer> ports;

		private final String siteKey;

		private final String session;

		Porchlight(List<Integer> ports, String siteKey, String session) {
			this.ports = ports;
			this.siteKey = siteKey;
			this.session = session;
		}

		@Override
		public String name() {
			return "Porchlight";
		}

		String session() {
			return this.session;
		}

		@Override
		public List<Integer> ports() {
			return this.ports;
		}

		/**
		 * A visitor token, asked for the way the widget asks (POST
		 * /api/v1/visitor/session with the site key and the page's origin), from the
		 * given source address. A plain HTTP/1.1 exchange on a socket of its own: an HTTP
		 * client per address would cost the generator a selector thread per socket, time
		 * that scenario 1 would otherwise count against the server.
		 */
		String token(int node, InetAddress tokenSource) {
			int port = this.ports.get(node);
			byte[] body = Api.JSON.writeValueAsBytes(Map.of("siteKey", this.siteKey));
			String head = "POST /api/v1/visitor/session HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + ORIGIN
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
					+ "\r\nConnection: close\r\n\r\n";
			try (Socket socket = new Socket()) {
				socket.bind(new InetSocketAddress(tokenSource, 0));
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
				socket.setSoTimeout(30_000);
				OutputStream out = socket.getOutputStream();
				out.write(head.getBytes(StandardCharsets.US_ASCII));
				out.write(body);
				out.flush();
				String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				int split = response.indexOf("\r\n\r\n");
				if (!response.startsWith("HTTP/1.1 200") || split < 0) {
					throw new IllegalStateException("visitor session: " + response);
				}
				String payload = response.substring(split + 4);
				if (response.substring(0, split).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
					payload = unchunk(payload);
				}
				return Api.JSON.readTree(payload).path("token").asString();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static String unchunk(String chunked) {
			StringBuilder body = new StringBuilder();
			int at = 0;
			while (true) {
				int end = chunked.indexOf("\r\n", at);
				int size = Integer.parseInt(chunked.substring(at, end).split(";")[0].trim(), 16);
				if (size == 0) {
					return body.toString();
				}
				body.append(chunked, end + 2, end + 2 + size);
				at = end + 2 + size + 2;
			}
		}

		@Override
		public Visitor visitor(int node, InetAddress source, InetAddress tokenSource) {
			return start(idleVisitor(node, source, tokenSource));
		}

		/**
		 * Starts a conversation on a visitor socket ({@code start} frame), as the
		 * widget's first message does.
		 * @param conn the visitor's socket
		 * @return the visitor with its conversation
		 */
		static Visitor start(Conn conn) {
			conn.send("{\"type\":\"start\",\"ref\":\"s\",\"context\":{\"url\":\"https://shop.bench.example/rings\","
					+ "\"title\":\"Rings\",\"locale\":\"en\"}}");
			JsonNode started = Api.JSON.readTree(conn.next("\"started\"", Duration.ofSeconds(30)));
			return new Visitor(conn, started.path("conversation").path("id").asString());
		}

		@Override
		public Conn idleVisitor(int node, InetAddress source, InetAddress tokenSource) {
			return visitorSocket(node, source, token(node, tokenSource));
		}

		/**
		 * A visitor socket for a token already asked for (the token is also what the
		 * visitor's REST calls carry).
		 * @param node which node to connect to
		 * @param source the socket's source address
		 * @param token the visitor token
		 * @return the socket, welcomed
		 */
		Conn visitorSocket(int node, InetAddress source, String token) {
			Conn conn = Conn.open(source, URI.create("ws://127.0.0.1:" + this.ports.get(node) + "/ws/v1/visitor"),
					Map.of("Origin", ORIGIN), List.of("porchlight.v1", "porchlight.token." + token), false);
			conn.welcome = conn.next("\"welcome\"", Duration.ofSeconds(30));
			return conn;
		}

		@Override
		public Conn staff(int node, InetAddress source) {
			Conn conn = Conn.open(source, URI.create("ws://127.0.0.1:" + this.ports.get(node) + "/ws/v1/staff"),
					Map.of("Origin", ORIGIN, "Cookie", "PORCHLIGHT_SESSION=" + this.session), List.of(), false);
			conn.next("\"welcome\"", Duration.ofSeconds(30));
			return conn;
		}

		@Override
		public String sendFrame(String conversationId, String clientId, String body) {
			return "{\"type\":\"send\",\"ref\":\"" + clientId + "\",\"conversationId\":\"" + conversationId
					+ "\",\"clientId\":\"" + clientId + "\",\"body\":" + Api.JSON.writeValueAsString(body) + "}";
		}

		@Override
		public String subscribeFrame(String conversationId) {
			// Conversations are followed right after they start, so from the beginning.
			return "{\"type\":\"subscribe\",\"conversationId\":\"" + conversationId + "\",\"afterSeq\":0}";
		}

		@Override
		public String pingFrame() {
			return "{\"type\":\"ping\"}";
		}

	}

	/**
	 * The peer: Engine.IO v4 over a WebSocket ({@code 40} connects the default namespace,
	 * {@code 42[...]} carries an event, the server's ping {@code 2} is answered by
	 * {@link Conn}).
	 */
	final class SocketIo implements ChatSystem {

		private final List<Integer> ports;

		SocketIo(List<Integer> ports) {
			this.ports = ports;
		}

		@Override
		public String name() {
			return "Socket.IO";
		}

		@Override
		public List<Integer> ports() {
			return this.ports;
		}

		@Override
		public Visitor visitor(int node, InetAddress source, InetAddress tokenSource) {
			Conn conn = idleVisitor(node, source, tokenSource);
			String conversation = UUID.randomUUID().toString();
			conn.send(subscribeFrame(conversation));
			return new Visitor(conn, conversation);
		}

		@Override
		public Conn idleVisitor(int node, InetAddress source, InetAddress tokenSource) {
			return staff(node, source);
		}

		@Override
		public Conn staff(int node, InetAddress source) {
			Conn conn = Conn.open(source,
					URI.create("ws://127.0.0.1:" + this.ports.get(node) + "/socket.io/?EIO=4&transport=websocket"),
					Map.of(), List.of(), true);
			conn.next("\"sid\"", Duration.ofSeconds(30));
			conn.send("40");
			conn.next("40", Duration.ofSeconds(30));
			return conn;
		}

		@Override
		public String sendFrame(String conversationId, String clientId, String body) {
			return "42[\"send\",{\"conversationId\":\"" + conversationId + "\",\"clientId\":\"" + clientId
					+ "\",\"body\":" + Api.JSON.writeValueAsString(body) + "}]";
		}

		@Override
		public String subscribeFrame(String conversationId) {
			return "42[\"subscribe\",{\"conversationId\":\"" + conversationId + "\"}]";
		}

		@Override
		public String pingFrame() {
			return null;
		}

	}

}
