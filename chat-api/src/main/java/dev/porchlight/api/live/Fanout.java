package dev.porchlight.api.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.broadcast.Broadcasts;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.visitor.VisitorId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Carries live events from the node where they happened to every node, and there to the
 * sockets that should see them. A new entry travels with its broadcast, but each socket
 * is handed entries strictly by sequence and pulls any it missed from the conversation's
 * log, so a lost or reordered broadcast can delay a delivery to the next event but never
 * lose, duplicate or reorder one.
 */
@Component
class Fanout {

	static final int CATCH_UP_BATCH = 500;

	private static final Logger logger = LoggerFactory.getLogger(Fanout.class);

	private final Broadcasts broadcasts;

	private final Connections connections;

	private final LiveConversations live;

	private final ConversationLog log;

	private final Encoding encoding;

	private final Timer deliveryLatency;

	private final Counter messagesOut;

	Fanout(Broadcasts broadcasts, Connections connections, LiveConversations live, ConversationLog log,
			Encoding encoding, MeterRegistry meters) {
		this.log = log;
		this.broadcasts = broadcasts;
		this.connections = connections;
		this.live = live;
		this.encoding = encoding;
		this.deliveryLatency = Timer.builder("porchlight.delivery.latency")
			.description("Time from the server accepting a message to handing it to a receiving socket")
			.publishPercentileHistogram()
			.register(meters);
		this.messagesOut = Counter.builder("porchlight.messages.out")
			.description("Log entries handed to receiving sockets")
			.register(meters);
	}

	@PostConstruct
	void listen() {
		this.broadcasts.subscribe(this::receive);
	}

	/**
	 * A new log entry. The entry travels with the event, so that no node has to read it
	 * back from Redis; a node that receives an event without it (e.g. from an older node
	 * during a rolling upgrade) reads it from the log.
	 */
	void entry(LogEntry entry) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("conversationId", entry.conversationId().toString());
		fields.put("seq", entry.seq());
		fields.put("k", entry.kind().name());
		fields.put("sk", entry.sender().kind().name());
		if (entry.sender().id() != null) {
			fields.put("si", entry.sender().id().toString());
		}
		if (entry.clientId() != null) {
			fields.put("c", entry.clientId().value());
		}
		if (entry.body() != null) {
			fields.put("b", entry.body().text());
		}
		fields.put("at", entry.at().toEpochMilli());
		publish("entry", fields);
	}

	private static @Nullable LogEntry carried(ConversationId conversation, JsonNode event) {
		if (!event.has("k")) {
			return null;
		}
		Sender sender = Sender.of(Sender.Kind.valueOf(event.path("sk").asString()),
				event.has("si") ? UUID.fromString(event.path("si").asString()) : null);
		return new LogEntry(conversation, event.path("seq").asLong(), LogEntry.Kind.valueOf(event.path("k").asString()),
				event.has("c") ? new ClientMessageId(event.path("c").asString()) : null, sender,
				event.has("b") ? new MessageBody(event.path("b").asString()) : null,
				Instant.ofEpochMilli(event.path("at").asLong()));
	}

	void conversationChanged(ConversationId conversation) {
		publish("conversation", Map.of("conversationId", conversation.toString()));
	}

	void typing(ConversationId conversation, String side, boolean typing, String draft, String name) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("conversationId", conversation.toString());
		fields.put("side", side);
		fields.put("typing", typing);
		if (draft != null) {
			fields.put("draft", draft);
		}
		if (name != null) {
			fields.put("name", name);
		}
		publish("typing", fields);
	}

	void read(ConversationId conversation, String side, long seq) {
		publish("read", Map.of("conversationId", conversation.toString(), "side", side, "seq", seq));
	}

	void staffAvailability(boolean available) {
		publish("availability", Map.of("available", available));
	}

	void visitorPresence(VisitorId visitor, boolean online, String page, String title) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("visitorId", visitor.toString());
		fields.put("online", online);
		fields.put("page", page);
		fields.put("title", title);
		publish("visitor", fields);
	}

	/**
	 * One staff session ended (signed out): its sockets close on every node. Only a
	 * digest of the session id travels.
	 */
	void sessionEnded(String sessionId) {
		publish("session_ended", Map.of("session", digest(sessionId)));
	}

	private static String digest(String sessionId) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	void sessionsEnded(AccountId account) {
		publish("sessions_ended", Map.of("accountId", account.toString()));
	}

	private void publish(String kind, Map<String, Object> fields) {
		Map<String, Object> envelope = new LinkedHashMap<>(fields);
		envelope.put("kind", kind);
		this.broadcasts.publish(Frame.write(envelope));
	}

	void receive(String payload) {
		try {
			JsonNode event = Frame.JSON.readTree(payload);
			switch (event.path("kind").asString()) {
				case "entry" -> onEntry(ConversationId.parse(event.path("conversationId").asString()), event);
				case "conversation" -> onConversation(ConversationId.parse(event.path("conversationId").asString()));
				case "typing" -> onTyping(event);
				case "read" -> onRead(event);
				case "availability" -> onAvailability(event.path("available").asBoolean());
				case "visitor" -> onVisitor(event);
				case "sessions_ended" -> onSessionsEnded(AccountId.parse(event.path("accountId").asString()));
				case "session_ended" -> onSessionEnded(event.path("session").asString());
				default -> logger.debug("Ignoring broadcast of unknown kind");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("A live event could not be delivered: {}", ex.toString());
		}
	}

	private void onEntry(ConversationId conversation, JsonNode event) {
		long seq = event.path("seq").asLong();
		List<Connection> followers = this.connections.following(conversation);
		if (!followers.isEmpty()) {
			LogEntry carried = carried(conversation, event);
			List<LogEntry> entries = (carried != null) ? List.of(carried) : this.log.after(conversation, seq - 1, 1);
			if (!entries.isEmpty() && entries.get(0).seq() == seq) {
				LogEntry entry = entries.get(0);
				for (Connection connection : followers) {
					connection.deliver(entry, (after) -> this.log.after(conversation, after, CATCH_UP_BATCH),
							(e) -> this.encoding.event(e, !connection.isVisitor()));
				}
				this.messagesOut.increment(followers.size());
				this.deliveryLatency.record(Duration.between(entry.at(), Instant.now()));
			}
		}
		onConversation(conversation);
	}

	private void onConversation(ConversationId conversation) {
		List<Connection> staff = this.connections.staff();
		if (staff.isEmpty()) {
			return;
		}
		LiveConversation state = this.live.find(conversation).orElse(null);
		if (state == null) {
			return;
		}
		Map<String, Object> frame = Frame.out("inbox");
		frame.put("conversation", this.encoding.conversation(state, true));
		String text = Frame.write(frame);
		staff.forEach((connection) -> connection.send(text));
	}

	private void onTyping(JsonNode event) {
		ConversationId conversation = ConversationId.parse(event.path("conversationId").asString());
		String side = event.path("side").asString();
		Map<String, Object> frame = Frame.out("typing");
		frame.put("conversationId", conversation.toString());
		frame.put("side", side);
		frame.put("typing", event.path("typing").asBoolean());
		if (event.hasNonNull("name")) {
			frame.put("name", event.path("name").asString());
		}
		String forVisitors = Frame.write(frame);
		if (event.hasNonNull("draft")) {
			frame.put("draft", event.path("draft").asString());
		}
		String forStaff = Frame.write(frame);
		for (Connection connection : this.connections.all()) {
			boolean visitor = connection.isVisitor();
			if (visitor && side.equals("staff") && connection.follows(conversation)) {
				connection.send(forVisitors);
			}
			else if (!visitor && side.equals("visitor")) {
				connection.send(forStaff);
			}
		}
	}

	private void onRead(JsonNode event) {
		ConversationId conversation = ConversationId.parse(event.path("conversationId").asString());
		Map<String, Object> frame = Frame.out("read");
		frame.put("conversationId", conversation.toString());
		frame.put("side", event.path("side").asString());
		frame.put("seq", event.path("seq").asLong());
		String text = Frame.write(frame);
		for (Connection connection : this.connections.all()) {
			if (!connection.isVisitor() || connection.follows(conversation)) {
				connection.send(text);
			}
		}
		onConversation(conversation);
	}

	private void onAvailability(boolean available) {
		Map<String, Object> frame = Frame.out("availability");
		frame.put("staffAvailable", available);
		String text = Frame.write(frame);
		this.connections.visitors().forEach((connection) -> connection.send(text));
	}

	private void onVisitor(JsonNode event) {
		Map<String, Object> frame = Frame.out("visitor");
		frame.put("visitorId", event.path("visitorId").asString());
		frame.put("online", event.path("online").asBoolean());
		frame.put("page", event.hasNonNull("page") ? event.path("page").asString() : null);
		frame.put("title", event.hasNonNull("title") ? event.path("title").asString() : null);
		String text = Frame.write(frame);
		this.connections.staff().forEach((connection) -> connection.send(text));
	}

	private void onSessionEnded(String digest) {
		for (Connection connection : this.connections.staff()) {
			if (connection.httpSession() != null && digest(connection.httpSession()).equals(digest)) {
				connection.closeAsync(CloseCodes.SESSION_ENDED);
			}
		}
	}

	private void onSessionsEnded(AccountId account) {
		this.connections.ofStaff(account).forEach((connection) -> connection.closeAsync(CloseCodes.SESSION_ENDED));
	}

}
