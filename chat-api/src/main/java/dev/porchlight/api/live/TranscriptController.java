package dev.porchlight.api.live;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A conversation's whole transcript for staff, in sequence order: the recent part from
 * Redis, the archived part from PostgreSQL.
 */
@RestController
class TranscriptController {

	private final LiveConversations live;

	private final ConversationLog log;

	private final Views views;

	TranscriptController(LiveConversations live, ConversationLog log, Views views) {
		this.live = live;
		this.log = log;
		this.views = views;
	}

	@GetMapping("/api/v1/conversations/{id}")
	Transcript transcript(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		ConversationId conversation = ConversationId.parse(id);
		LiveConversation state = this.live.find(conversation)
			.filter((found) -> staff.serves(found.conversation().siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
		List<Entry> entries = new ArrayList<>();
		long after = 0;
		while (true) {
			List<LogEntry> batch = this.log.after(conversation, after, Subscription.CATCH_UP_BATCH);
			for (LogEntry entry : batch) {
				// Exactly the event frames a staff socket receives.
				entries.add(Entry.of(this.views.event(entry, true)));
				after = entry.seq();
			}
			if (batch.size() < Subscription.CATCH_UP_BATCH) {
				break;
			}
		}
		return new Transcript(this.views.staff(state), entries);
	}

	/**
	 * A conversation's summary and its whole log.
	 *
	 * @param conversation the staff summary
	 * @param entries every entry, as {@code event} frames
	 */
	record Transcript(ConversationView.Staff conversation, List<Entry> entries) {
	}

	/**
	 * A log entry exactly as the {@code event} frame a staff socket receives
	 * (docs/protocol.md).
	 *
	 * @param type always {@code event}
	 * @param conversationId the conversation
	 * @param seq its sequence number
	 * @param kind what happened, e.g. {@code message}
	 * @param at when (ISO-8601)
	 * @param by who did it
	 * @param message a message's client id and text, for messages only
	 */
	@Schema(name = "TranscriptEntry")
	record Entry(@Schema(allowableValues = "event") String type, String conversationId, long seq, String kind,
			String at, ServerFrame.By by,
			@JsonInclude(JsonInclude.Include.NON_NULL) ServerFrame.@Nullable Message message) {

		static Entry of(ServerFrame.Event event) {
			return new Entry("event", event.conversationId(), event.seq(), event.kind(), event.at(), event.by(),
					event.message());
		}

	}

}
