package dev.porchlight.api.live;

import java.time.Instant;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.websocket.StaffHandshakeInterceptor;
import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.ratelimit.RateLimitExceededException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Both WebSocket endpoints: a socket's life (registered, welcomed, gone) and each frame:
 * put together from its parts, decoded into a {@link ClientFrame}, handed to
 * {@link LiveCommands}, the answer or the {@code error} sent back. A socket is closed
 * only for the documented reasons (abuse, idle, too slow, session ended, restart); a bad
 * frame never closes it by itself.
 */
class LiveSocketHandler extends TextWebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(LiveSocketHandler.class);

	private static final String CONNECTION = "porchlight.connection";

	private final LiveCommands commands;

	private final PresenceCommands presence;

	private final Connections connections;

	private final Subscriptions subscriptions;

	private final LiveProperties properties;

	private final MeterRegistry meters;

	private final FrameAnswers answers;

	LiveSocketHandler(LiveCommands commands, PresenceCommands presence, Connections connections,
			Subscriptions subscriptions, LiveProperties properties, MeterRegistry meters, FrameAnswers answers) {
		this.answers = answers;
		this.commands = commands;
		this.presence = presence;
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.properties = properties;
		this.meters = meters;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		if (Boolean.TRUE.equals(session.getAttributes().get(VisitorHandshakeInterceptor.UNAVAILABLE))) {
			// The handshake could not be checked (a store was unreachable): this socket
			// only says so. Never registered, so it gets nothing else.
			OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, this.properties.sendBufferBytes(),
					this.properties.sendTimeLimit().toNanos());
			outbox.open(Wire.write(FrameAnswers.unavailable(null)));
			outbox.closeWhenFlushed(CloseCodes.RESTART);
			return;
		}
		VisitorPrincipal visitor = (VisitorPrincipal) session.getAttributes().get(VisitorHandshakeInterceptor.VISITOR);
		StaffPrincipal staff = (StaffPrincipal) session.getAttributes().get(StaffHandshakeInterceptor.STAFF);
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, this.properties.sendBufferBytes(),
				this.properties.sendTimeLimit().toNanos());
		Connection connection = new Connection(outbox, visitor, staff);
		try {
			// Registered first so no event is missed; open() still puts welcome ahead of
			// them.
			this.connections.add(connection);
			session.getAttributes().put(CONNECTION, connection);
			this.presence.arrived(connection);
			outbox.open(Wire.write(this.commands.welcome(connection)));
		}
		catch (DataAccessException ex) {
			outbox.open(Wire.write(FrameAnswers.unavailable(null)));
			outbox.closeWhenFlushed(CloseCodes.RESTART);
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		Connection connection = (Connection) session.getAttributes().get(CONNECTION);
		if (connection == null || connection.refused()) {
			// Closing for abuse: what it still sends is not handled (a flood must not go
			// on until the close frame has left).
			return;
		}
		connection.heard();
		// Frames arrive in parts of the server's small text buffer (see
		// LiveSocketConfiguration): a large buffer per socket would be most of an idle
		// socket's memory.
		String text = connection.assemble(message.getPayload(), message.isLast(), this.properties.maxFrameBytes());
		if (text == null) {
			return;
		}
		if (text == Connection.TOO_LARGE) {
			connection.closeAsync(CloseCodes.TOO_LARGE);
			return;
		}
		if (connection.isVisitor() && !connection.visitor().expiresAt().isAfter(Instant.now())) {
			connection.closeWhenFlushed(CloseCodes.TOKEN_EXPIRED);
			return;
		}
		String ref = null;
		try {
			ClientFrame frame = ClientFrame.decode(text);
			ref = frame.ref();
			ServerFrame answer = this.commands.handle(connection, frame);
			if (answer != null) {
				connection.reply(Wire.write(answer));
			}
		}
		catch (RuntimeException ex) {
			this.answers.refuse(connection, this.answers.error(ref, ex), true);
		}
	}

	/**
	 * A binary frame closes the socket with 1003 through its outbox, like every close the
	 * server decides, so the close frame follows a frame being written instead of racing
	 * it. Spring's default closes the container's session directly; a frame being written
	 * at that moment (an availability change, say) can make the container drop the
	 * connection, which the client sees as 1006 (once in CI).
	 */
	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		Connection connection = (Connection) session.getAttributes().get(CONNECTION);
		if (connection != null) {
			connection.closeWhenFlushed(CloseCodes.BINARY);
			return;
		}
		try {
			session.close(CloseCodes.BINARY);
		}
		catch (java.io.IOException ex) {
			log.debug("Closing socket {} after a binary frame failed: {}", session.getId(), ex.getMessage());
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		log.debug("Transport error on socket {}: {}", session.getId(), exception.getMessage());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		Connection connection = (Connection) session.getAttributes().get(CONNECTION);
		if (connection == null) {
			return;
		}
		this.connections.leaving();
		try {
			closed(connection, status);
		}
		finally {
			this.connections.left();
		}
	}

	private void closed(Connection connection, CloseStatus status) {
		this.connections.remove(connection);
		for (Subscription subscription : connection.subscriptions()) {
			subscription.cancel();
			this.subscriptions.remove(subscription);
		}
		CloseStatus closed = (connection.session().closedWith() != null) ? connection.session().closedWith() : status;
		// By close code, so an operator sees e.g. how many clients were cut off for not
		// reading (4500) or for abuse (1008).
		Counter.builder("porchlight.sockets.closed")
			.description("WebSocket connections closed, by close code (the server's when it closed them)")
			.tag("kind", connection.isVisitor() ? "visitor" : "staff")
			.tag("code", codeTag(closed.getCode()))
			.register(this.meters)
			.increment();
		try {
			this.presence.left(connection);
		}
		catch (DataAccessException | IllegalStateException ex) {
			// Redis unreachable, or its client already stopping (a close that outlived
			// the shutdown's wait): presence entries expire by themselves.
			log.debug("Presence not updated after close: {}", ex.getMessage());
		}
	}

	/**
	 * A client may close with any code: only the ones that mean something here become
	 * their own series, so a client cannot make up thousands.
	 */
	private static String codeTag(int code) {
		return switch (code) {
			case 1000, 1001, 1003, 1006, 1008, 1009, 1011, 1012, 4401, 4403, 4408, 4500 -> String.valueOf(code);
			default -> "other";
		};
	}

}
