package dev.porchlight.api.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import tools.jackson.databind.JsonNode;

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

	private final Encoding encoding;

	TranscriptController(LiveConversations live, ConversationLog log, Encoding encoding) {
		this.live = live;
		this.log = log;
		this.encoding = encoding;
	}

	@GetMapping("/api/v1/conversations/{id}")
	Map<String, Object> transcript(@PathVariable String id) {
		ConversationId conversation = ConversationId.parse(id);
		LiveConversation state = this.live.find(conversation).orElseThrow(() -> ApiException.notFound("conversation"));
		List<JsonNode> entries = new ArrayList<>();
		long after = 0;
		while (true) {
			List<LogEntry> batch = this.log.after(conversation, after, Fanout.CATCH_UP_BATCH);
			for (LogEntry entry : batch) {
				entries.add(Frame.JSON.readTree(this.encoding.event(entry, true)));
				after = entry.seq();
			}
			if (batch.size() < Fanout.CATCH_UP_BATCH) {
				break;
			}
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("conversation", this.encoding.conversation(state, true));
		body.put("entries", entries);
		return body;
	}

}
