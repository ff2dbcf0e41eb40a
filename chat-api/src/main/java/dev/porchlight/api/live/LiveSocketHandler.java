package dev.porchlight.api.live;

import java.time.Instant;
import java.util.Map;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.websocket.StaffHandshakeInterceptor;
import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.presence.Presences;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Both WebSocket endpoints: turns frames into {@link LiveChat} calls and failures into
 * {@code error} frames. A socket is closed only for the documented reasons (abuse, idle,
 * too slow, session ended, restart); a bad frame never closes it by itself.
 */
class LiveSocketHandler extends TextWebSocketHandler {

	private static final Logger log = LoggerFactory.getLogger(LiveSocketHandler.class);

	private static final String CONNECTION = "porchlight.connection";

	private final LiveChat chat;

	private final Connections connections;

	private final Presences presences;

	private final Fanout fanout;

	private final LiveProperties properties;

	private final MeterRegistry meters;

	LiveSocketHandler(LiveChat chat, Connections connections, Presences presences, Fanout fanout,
			LiveProperties properties, MeterRegistry meters) {
		this.meters = meters;
		this.chat = chat;
		this.connections = connections;
		this.presences = presences;
		this.fanout = fanout;
		this.properties = properties;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		VisitorPrincipal visitor = (VisitorPrincipal) session.getAttributes().get(VisitorHandshakeInterceptor.VISITOR);
		StaffPrincipal staff = (StaffPrincipal) session.getAttributes().get(StaffHandshakeInterceptor.STAFF);
		Connection connection = new Connection(session, this.properties, visitor, staff);
		session.getAttributes().put(CONNECTION, connection);
		this.connections.add(connection);
		try {
			if (staff != null) {
				this.presences.staffSeen(staff.id(), this.properties.idleTimeout());
				this.fanout.staffAvailability(this.presences.anyStaffAvailable());
			}
			else if (visitor != null) {
				this.presences.visitorSeen(visitor.visitorId(), null, null, this.properties.idleTimeout());
			}
			// Registered first so no event is missed; open() still puts welcome ahead of
			// them.
			connection.open(Frame.write(this.chat.welcome(connection)));
		}
		catch (DataAccessException ex) {
			connection
				.open(Frame.write(error(null, "unavailable", "Chat is briefly unavailable; retry shortly.", 1000)));
			connection.closeWhenFlushed(CloseCodes.RESTART);
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		Connection connection = (Connection) session.getAttributes().get(CONNECTION);
		if (connection == null) {
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
			Frame frame = Frame.parse(text);
			ref = frame.ref();
			Map<String, Object> answer = this.chat.handle(connection, frame);
			if (answer != null) {
				if (ref != null) {
					answer.put("ref", ref);
				}
				connection.send(Frame.write(answer));
			}
		}
		catch (ProtocolException ex) {
			refuse(connection, ref, ex.code(), ex.getMessage(), ex.retryAfterMillis());
		}
		catch (DomainException ex) {
			refuse(connection, ref, ex.code(), ex.getMessage(), 0);
		}
		catch (DataAccessException ex) {
			log.warn("Live storage unavailable: {}", ex.getMessage());
			refuse(connection, ref, "unavailable", "Chat is briefly unavailable; retry shortly.", 1000);
		}
		catch (RuntimeException ex) {
			log.error("Unexpected failure handling a frame", ex);
			refuse(connection, ref, "internal_error", "Something went wrong on our side; retry.", 1000);
		}
	}

	/**
	 * A client may close with any code: only the ones that mean something here become
	 * their own series, so a client cannot make up thousands.
	 */
	private static String codeTag(int code) {
		return switch (code) {
			case 1000, 1001, 1006, 1008, 1009, 1011, 1012, 4401, 4403, 4408, 4500 -> String.valueOf(code);
			default -> "other";
		};
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
		this.connections.remove(connection);
		CloseStatus closed = (connection.closedWith() != null) ? connection.closedWith() : status;
		// By close code, so an operator sees e.g. how many clients were cut off for not
		// reading (4500) or for abuse (1008).
		Counter.builder("porchlight.sockets.closed")
			.description("WebSocket connections closed, by close code (the server's when it closed them)")
			.tag("kind", connection.isVisitor() ? "visitor" : "staff")
			.tag("code", codeTag(closed.getCode()))
			.register(this.meters)
			.increment();
		try {
			if (!connection.isVisitor()) {
				boolean stillHere = !this.connections.ofStaff(connection.staff().id()).isEmpty();
				if (!stillHere) {
					this.presences.staffGone(connection.staff().id());
					this.fanout.staffAvailability(this.presences.anyStaffAvailable());
				}
			}
			else if (!this.connections.hasVisitor(connection.visitor().visitorId())) {
				this.fanout.visitorPresence(connection.visitor().visitorId(), false, null, null);
			}
		}
		catch (DataAccessException ex) {
			log.debug("Presence not updated after close: {}", ex.getMessage());
		}
	}

	private void refuse(Connection connection, String ref, String code, String message, long retryAfterMillis) {
		connection.send(Frame.write(error(ref, code, message, retryAfterMillis)));
		// The server's own trouble is not the client's abuse: a client resending through
		// a Redis failover must not be disconnected for it.
		boolean serversFault = code.equals("unavailable") || code.equals("internal_error");
		if (!serversFault && connection.tooManyErrors(this.properties.errorsBeforeClose())) {
			connection.closeWhenFlushed(CloseCodes.ABUSE);
		}
	}

	static Map<String, Object> error(String ref, String code, String message, long retryAfterMillis) {
		Map<String, Object> frame = Frame.out("error");
		frame.put("code", code);
		frame.put("message", message);
		if (retryAfterMillis > 0) {
			frame.put("retryAfterMs", retryAfterMillis);
		}
		if (ref != null) {
			frame.put("ref", ref);
		}
		return frame;
	}

}
