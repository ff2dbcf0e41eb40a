package dev.porchlight.api.live;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A conversation's summary on the wire: staff see who and where, visitors only their own
 * side (docs/protocol.md, "Conversation summary").
 */
sealed interface ConversationView {

	record Visitor(String id, String status, String startedAt, String lastActivityAt, long lastSeq,
			@Nullable String preview, @Nullable String lastSender, long unread, long readByStaff,
			long readByVisitor) implements ConversationView {
	}

	@Schema(name = "StaffConversation", description = "A conversation's summary for staff (docs/protocol.md).")
	record Staff(String id, String status, String startedAt, String lastActivityAt, long lastSeq,
			@Nullable String preview, @Nullable String lastSender, String siteId, String visitorId, String visitorName,
			@Nullable String customerId, long unread, boolean awaitingReply, long readByVisitor, long readByStaff,
			@Nullable String assignee, @Nullable String assigneeName, Context context) implements ConversationView {
	}

	@Schema(name = "PageContext", description = "The page the conversation was started on.")
	record Context(@Nullable String url, @Nullable String title, @Nullable String referrer, @Nullable String locale) {
	}

}
