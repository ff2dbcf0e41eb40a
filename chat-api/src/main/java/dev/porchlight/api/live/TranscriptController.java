package dev.porchlight.api.live;

import java.util.ArrayList;
import java.util.List;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import tools.jackson.databind.JsonNode;

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
		List<JsonNode> entries = new ArrayList<>();
		long after = 0;
		while (true) {
			List<LogEntry> batch = this.log.after(conversation, after, Subscription.CATCH_UP_BATCH);
			for (LogEntry entry : batch) {
				// Exactly the event frames a staff socket receives.
				entries.add(Wire.JSON.readTree(this.views.eventText(entry, true)));
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
	record Transcript(ConversationView.Staff conversation, List<JsonNode> entries) {
	}

}
