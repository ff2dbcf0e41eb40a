package dev.porchlight.api.live;

import java.util.ArrayList;
import java.util.List;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Transcripts;

import org.springframework.stereotype.Component;

/**
 * A conversation's whole log for delivery and resume: the recent part from Redis, the
 * part already archived and trimmed from Redis from PostgreSQL. Most reads touch only
 * Redis (it keeps the latest archived entries too); only a client resuming from far back
 * reaches PostgreSQL.
 */
@Component
class ConversationLog {

	private final LiveConversations live;

	private final Transcripts transcripts;

	ConversationLog(LiveConversations live, Transcripts transcripts) {
		this.live = live;
		this.transcripts = transcripts;
	}

	List<LogEntry> after(ConversationId id, long afterSeq, int limit) {
		List<LogEntry> recent = this.live.after(id, afterSeq, limit);
		// Redis always holds every unarchived entry and at least the newest archived one,
		// so an empty answer means there is nothing after afterSeq at all.
		if (recent.isEmpty() || recent.get(0).seq() == afterSeq + 1) {
			return recent;
		}
		long missing = recent.get(0).seq() - afterSeq - 1;
		List<LogEntry> merged = new ArrayList<>(this.transcripts.after(id, afterSeq, (int) Math.min(limit, missing)));
		for (LogEntry entry : recent) {
			if (merged.size() >= limit) {
				break;
			}
			if (merged.isEmpty() || entry.seq() == merged.get(merged.size() - 1).seq() + 1) {
				merged.add(entry);
			}
		}
		return merged;
	}

}
