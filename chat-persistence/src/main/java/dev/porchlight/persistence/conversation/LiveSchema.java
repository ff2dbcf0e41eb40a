package dev.porchlight.persistence.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.attachment.AttachmentJson;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of the one schema of a log entry and of a conversation's state (written
 * down in {@code redis/live.lua}): the same field names in the stream, in the meta hash
 * and in the events the scripts publish, so reading the log, reading a conversation and
 * receiving an event all go through these two functions.
 */
final class LiveSchema {

	private LiveSchema() {
	}

	/**
	 * A log entry from its fields ({@code k}, {@code c}, {@code sk}, {@code si},
	 * {@code b}, {@code at}, {@code a}).
	 */
	static LogEntry entry(ConversationId id, long seq, Map<?, ?> fields) {
		LogEntry.Kind kind = LogEntry.Kind.valueOf(Objects.requireNonNull(text(fields, "k"), "k"));
		String clientId = text(fields, "c");
		String body = text(fields, "b");
		return new LogEntry(id, seq, kind, (clientId != null) ? new ClientMessageId(clientId) : null,
				sender(Objects.requireNonNull(text(fields, "sk"), "sk"), text(fields, "si")),
				(body != null) ? new MessageBody(body) : null,
				instant(Objects.requireNonNull(text(fields, "at"), "at")), AttachmentJson.read(text(fields, "a")));
	}

	/**
	 * A conversation's live state from its meta hash.
	 */
	static LiveConversation state(ConversationId id, Map<?, ?> meta) {
		String customer = text(meta, "customer");
		ConversationStatus status = ConversationStatus.valueOf(Objects.requireNonNull(text(meta, "status"), "status"));
		String closedAt = text(meta, "closedAt");
		String lastActivity = Objects.requireNonNull(text(meta, "lastActivity"), "lastActivity");
		Conversation conversation = new Conversation(id, new SiteId(uuid(meta, "site")),
				new VisitorId(uuid(meta, "visitor")),
				(customer != null) ? new CustomerId(UUID.fromString(customer)) : null, status,
				new PageContext(text(meta, "ctxUrl"), text(meta, "ctxTitle"), text(meta, "ctxReferrer"),
						text(meta, "ctxLocale")),
				instant(Objects.requireNonNull(text(meta, "startedAt"), "startedAt")), instant(lastActivity),
				(status == ConversationStatus.CLOSED) ? instant((closedAt != null) ? closedAt : lastActivity) : null);
		String lastSender = text(meta, "lastSender");
		String assignee = text(meta, "assignee");
		return new LiveConversation(conversation, count(meta, "seq"), count(meta, "readStaff"),
				count(meta, "readVisitor"), count(meta, "unreadStaff"), count(meta, "unreadVisitor"),
				text(meta, "preview"), (lastSender != null) ? Sender.Kind.valueOf(lastSender) : null,
				(assignee != null) ? new AccountId(UUID.fromString(assignee)) : null, count(meta, "ver"));
	}

	/**
	 * The fields of a new conversation's meta hash, as a flat list of names and values.
	 */
	static List<String> newState(Conversation conversation) {
		List<String> fields = new ArrayList<>();
		put(fields, "site", conversation.siteId().toString());
		put(fields, "visitor", conversation.visitorId().toString());
		put(fields, "customer", (conversation.customerId() != null) ? conversation.customerId().toString() : null);
		put(fields, "status", conversation.status().name());
		put(fields, "startedAt", String.valueOf(conversation.startedAt().toEpochMilli()));
		put(fields, "lastActivity", String.valueOf(conversation.lastActivityAt().toEpochMilli()));
		put(fields, "seq", "0");
		PageContext context = conversation.context();
		put(fields, "ctxUrl", context.url());
		put(fields, "ctxTitle", context.title());
		put(fields, "ctxReferrer", context.referrer());
		put(fields, "ctxLocale", context.locale());
		return fields;
	}

	/**
	 * A sender as stored: its kind and the visitor's or account's id (empty for the
	 * system).
	 */
	static Sender sender(String kind, @Nullable String id) {
		return Sender.of(Sender.Kind.valueOf(kind), (id == null || id.isEmpty()) ? null : UUID.fromString(id));
	}

	static String senderId(Sender sender) {
		return (sender.id() != null) ? sender.id().toString() : "";
	}

	/**
	 * The field of a message in its conversation's {@code dedup} hash: client ids are
	 * unique per sender, and another sender may well pick the same one. The append script
	 * is given it, so this is its only spelling.
	 */
	static String dedupField(Sender sender, ClientMessageId clientId) {
		return sender.kind().name() + ":" + senderId(sender) + ":" + clientId.value();
	}

	private static void put(List<String> fields, String name, @Nullable String value) {
		if (value != null) {
			fields.add(name);
			fields.add(value);
		}
	}

	private static @Nullable String text(Map<?, ?> map, String field) {
		Object value = map.get(field);
		return (value != null) ? value.toString() : null;
	}

	private static UUID uuid(Map<?, ?> map, String field) {
		return UUID.fromString(Objects.requireNonNull(text(map, field), field));
	}

	private static long count(Map<?, ?> map, String field) {
		String value = text(map, field);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	static Instant instant(String millis) {
		return Instant.ofEpochMilli(Long.parseLong(millis));
	}

}
