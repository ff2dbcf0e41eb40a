package dev.porchlight.api.live;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.porchlight.api.attachment.AttachmentView;
import dev.porchlight.domain.conversation.ClientMessageId;
import org.jspecify.annotations.Nullable;

/**
 * Every frame the server sends, as docs/protocol.md lists them. The {@code type} field
 * comes from the subtype's name and is written first; fields a frame may omit are written
 * only when set, every other field always (null included). Direct answers carry the
 * {@code ref} of the frame they answer.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ServerFrame.Welcome.class, name = "welcome"),
		@JsonSubTypes.Type(value = ServerFrame.Pong.class, name = "pong"),
		@JsonSubTypes.Type(value = ServerFrame.Started.class, name = "started"),
		@JsonSubTypes.Type(value = ServerFrame.Ack.class, name = "ack"),
		@JsonSubTypes.Type(value = ServerFrame.Event.class, name = "event"),
		@JsonSubTypes.Type(value = ServerFrame.Synced.class, name = "synced"),
		@JsonSubTypes.Type(value = ServerFrame.Unsubscribed.class, name = "unsubscribed"),
		@JsonSubTypes.Type(value = ServerFrame.ReadOk.class, name = "read_ok"),
		@JsonSubTypes.Type(value = ServerFrame.StatusOk.class, name = "status_ok"),
		@JsonSubTypes.Type(value = ServerFrame.AssignOk.class, name = "assign_ok"),
		@JsonSubTypes.Type(value = ServerFrame.AvailabilityOk.class, name = "availability_ok"),
		@JsonSubTypes.Type(value = ServerFrame.Conversations.class, name = "conversations"),
		@JsonSubTypes.Type(value = ServerFrame.Inbox.class, name = "inbox"),
		@JsonSubTypes.Type(value = ServerFrame.Typing.class, name = "typing"),
		@JsonSubTypes.Type(value = ServerFrame.Read.class, name = "read"),
		@JsonSubTypes.Type(value = ServerFrame.Availability.class, name = "availability"),
		@JsonSubTypes.Type(value = ServerFrame.Visitor.class, name = "visitor"),
		@JsonSubTypes.Type(value = ServerFrame.Reconnect.class, name = "reconnect"),
		@JsonSubTypes.Type(value = ServerFrame.CustomerChanged.class, name = "customer"),
		@JsonSubTypes.Type(value = ServerFrame.Erased.class, name = "erased"),
		@JsonSubTypes.Type(value = ServerFrame.Tags.class, name = "tags"),
		@JsonSubTypes.Type(value = ServerFrame.Team.class, name = "team"),
		@JsonSubTypes.Type(value = ServerFrame.Error.class, name = "error") })
sealed interface ServerFrame {

	/**
	 * The first frame on every socket. Staff also get where the visitors of their inbox
	 * are right now ({@code visitors}), so nobody shows as gone who is on the site.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Welcome(String protocol, String role, long heartbeatMs, int maxFrameBytes, int maxMessageLength,
			int maxAttachments, boolean staffAvailable, @Nullable String visitorId, @Nullable String accountId,
			List<?> conversations, @Nullable List<Visitor> visitors) implements ServerFrame {
	}

	record Pong(@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record Started(ConversationView conversation,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record Ack(String conversationId, String clientId, long seq, String sentAt, boolean duplicate,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	/**
	 * One log entry, to the sockets following its conversation.
	 */
	record Event(String conversationId, long seq, String kind, String at, By by,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Message message) implements ServerFrame {
	}

	/**
	 * Who did something: staff names always, ids only to staff.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record By(String kind, @Nullable String name, @Nullable String id) {
	}

	/**
	 * A message's text and files; {@code via} is {@code "email"} for one that arrived by
	 * email. The body is empty for a message of files only.
	 */
	record Message(String clientId, String body, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String via,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<AttachmentView> attachments) {

		Message(String clientId, String body, List<AttachmentView> attachments) {
			this(clientId, body, ClientMessageId.isEmail(clientId) ? "email" : null, attachments);
		}

	}

	record Synced(String conversationId, long seq, ConversationView conversation,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record Unsubscribed(String conversationId,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record ReadOk(String conversationId, long seq,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record StatusOk(String conversationId, String status, @Nullable Long seq,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record AssignOk(String conversationId, @Nullable String accountId,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record AvailabilityOk(boolean available,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record Conversations(List<? extends ConversationView> conversations,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String ref) implements ServerFrame {
	}

	record Inbox(ConversationView.Staff conversation) implements ServerFrame {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Typing(String conversationId, String side, boolean typing, @Nullable String name,
			@Nullable String draft) implements ServerFrame {
	}

	record Read(String conversationId, String side, long seq) implements ServerFrame {
	}

	record Availability(boolean staffAvailable) implements ServerFrame {
	}

	record Visitor(String visitorId, boolean online, @Nullable String page, @Nullable String title,
			@Nullable String browser) implements ServerFrame {
	}

	record Reconnect(String reason) implements ServerFrame {
	}

	/**
	 * A customer's details changed, or the record was merged into {@code mergedInto}.
	 */
	record CustomerChanged(String customerId, @Nullable String name, @Nullable String email,
			@Nullable String mergedInto) implements ServerFrame {
	}

	/**
	 * A customer was erased with these conversations.
	 */
	record Erased(String customerId, List<String> conversationIds) implements ServerFrame {
	}

	/**
	 * The tags of a conversation or of a customer, after a change.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Tags(@Nullable String conversationId, @Nullable String customerId,
			List<String> tags) implements ServerFrame {
	}

	/**
	 * The enabled staff members after a change (added, enabled, disabled, renamed).
	 */
	record Team(List<Member> team) implements ServerFrame {
	}

	record Member(String id, String displayName) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Error(String code, String message, @Nullable Long retryAfterMs,
			@Nullable String ref) implements ServerFrame {

		static Error of(@Nullable String ref, String code, String message, long retryAfterMillis) {
			return new Error(code, message, (retryAfterMillis > 0) ? retryAfterMillis : null, ref);
		}

	}

}
