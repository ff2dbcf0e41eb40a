package dev.porchlight.api.live;

import java.util.List;
import java.util.function.Supplier;

import dev.porchlight.api.attachment.AttachmentProperties;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import org.jspecify.annotations.Nullable;

/**
 * Every frame a client may send, decoded and validated: a handler only ever sees typed
 * values that passed the domain's own rules. Unknown fields are ignored.
 */
sealed interface ClientFrame {

	/**
	 * Ids read at all in one {@code send} (a longer list is refused as
	 * {@code too_many_attachments} unread); the configured limit, at most this, is
	 * checked on sending.
	 */
	int MAX_ATTACHMENTS = AttachmentProperties.MOST_PER_MESSAGE;

	/**
	 * @return the client's reference for the answer, if it sent one
	 */
	@Nullable String ref();

	record Ping(@Nullable String ref) implements ClientFrame {
	}

	record Start(@Nullable String ref, PageContext context) implements ClientFrame {
	}

	/**
	 * A message: a text, files uploaded before (docs/attachments.md), or both.
	 */
	record Send(@Nullable String ref, ConversationId conversationId, ClientMessageId clientId, MessageBody body,
			List<AttachmentId> attachments) implements ClientFrame {

		Send(@Nullable String ref, ConversationId conversationId, ClientMessageId clientId, MessageBody body) {
			this(ref, conversationId, clientId, body, List.of());
		}

	}

	record Subscribe(@Nullable String ref, ConversationId conversationId, long afterSeq) implements ClientFrame {
	}

	record Unsubscribe(@Nullable String ref, ConversationId conversationId) implements ClientFrame {
	}

	record Typing(@Nullable String ref, ConversationId conversationId, boolean typing,
			@Nullable String draft) implements ClientFrame {
	}

	record Read(@Nullable String ref, ConversationId conversationId, long seq) implements ClientFrame {
	}

	record Close(@Nullable String ref, ConversationId conversationId) implements ClientFrame {
	}

	record Reopen(@Nullable String ref, ConversationId conversationId) implements ClientFrame {
	}

	record ListConversations(@Nullable String ref) implements ClientFrame {
	}

	record Page(@Nullable String ref, PageContext page) implements ClientFrame {
	}

	record Availability(@Nullable String ref, boolean available) implements ClientFrame {
	}

	record Assign(@Nullable String ref, ConversationId conversationId,
			@Nullable AccountId accountId) implements ClientFrame {
	}

	/**
	 * Decodes one frame.
	 * @param text the frame's text
	 * @return the frame
	 * @throws ProtocolException with the documented code when the frame is not valid
	 */
	static ClientFrame decode(String text) {
		FrameReader frame = FrameReader.parse(text);
		String ref = frame.ref();
		try {
			return decode(frame, frame.type(), ref);
		}
		catch (ProtocolException ex) {
			// The error answers this frame: it carries the frame's ref.
			throw ex.withRef(ref);
		}
	}

	private static ClientFrame decode(FrameReader frame, String type, @Nullable String ref) {
		return switch (type) {
			case "ping" -> new Ping(ref);
			case "start" -> new Start(ref, context(frame.object("context")));
			case "send" -> send(frame, ref);
			case "subscribe" ->
				new Subscribe(ref, conversation(frame), frame.has("afterSeq") ? frame.number("afterSeq") : 0);
			case "unsubscribe" -> new Unsubscribe(ref, conversation(frame));
			case "typing" -> new Typing(ref, conversation(frame), frame.flag("typing"), frame.optionalText("draft"));
			case "read" -> new Read(ref, conversation(frame), frame.number("seq"));
			case "close" -> new Close(ref, conversation(frame));
			case "reopen" -> new Reopen(ref, conversation(frame));
			case "conversations" -> new ListConversations(ref);
			case "page" -> new Page(ref,
					domain(() -> new PageContext(frame.optionalText("url"), frame.optionalText("title"), null, null)));
			case "availability" -> new Availability(ref, frame.flag("available"));
			case "assign" -> new Assign(ref, conversation(frame), account(frame.optionalText("accountId")));
			default -> throw new ProtocolException("unknown_type", "Unknown frame type.");
		};
	}

	private static Send send(FrameReader frame, @Nullable String ref) {
		ConversationId conversation = conversation(frame);
		ClientMessageId clientId = domain(() -> ClientMessageId.fromClient(frame.text("clientId")));
		List<AttachmentId> attachments = frame.texts("attachments", MAX_ATTACHMENTS, "too_many_attachments")
			.stream()
			.map((id) -> domain(() -> AttachmentId.parse(id)))
			.toList();
		if (attachments.isEmpty()) {
			return new Send(ref, conversation, clientId, domain(() -> MessageBody.typed(frame.text("body"))));
		}
		// With files the text may be left out.
		String body = frame.optionalText("body");
		return new Send(ref, conversation, clientId,
				(body == null || body.isBlank()) ? MessageBody.NONE : domain(() -> MessageBody.typed(body)),
				attachments);
	}

	private static ConversationId conversation(FrameReader frame) {
		String id = frame.text("conversationId");
		return domain(() -> ConversationId.parse(id));
	}

	private static @Nullable AccountId account(@Nullable String id) {
		return (id != null) ? domain(() -> AccountId.parse(id)) : null;
	}

	private static PageContext context(@Nullable FrameReader context) {
		if (context == null) {
			return PageContext.unknown();
		}
		return domain(() -> new PageContext(context.optionalText("url"), context.optionalText("title"),
				context.optionalText("referrer"), context.optionalText("locale")));
	}

	/**
	 * Domain rules broken by a field become protocol errors with the rule's code.
	 */
	private static <T> T domain(Supplier<T> parse) {
		try {
			return parse.get();
		}
		catch (DomainException ex) {
			throw new ProtocolException(ex.code(), ex.getMessage());
		}
	}

}
