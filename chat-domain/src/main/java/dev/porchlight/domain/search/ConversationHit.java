package dev.porchlight.domain.search;

import java.time.Instant;
import java.util.List;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * A conversation that matched, with its best-matching message.
 *
 * @param conversation the conversation
 * @param site its site
 * @param customer its customer, if known
 * @param status open or closed
 * @param startedAt when it started
 * @param lastActivityAt its last activity
 * @param seq the sequence of the best-matching message, to open the conversation there
 * @param rank how well it matched (higher is better)
 * @param snippet the matching message around the match, as text segments, the matched
 * words marked
 */
public record ConversationHit(ConversationId conversation, SiteId site, @Nullable CustomerId customer,
		ConversationStatus status, Instant startedAt, Instant lastActivityAt, long seq, double rank,
		List<Segment> snippet) {

	/**
	 * A piece of a snippet.
	 *
	 * @param text the text, always to be shown as text
	 * @param match whether it is a matched word
	 */
	public record Segment(String text, boolean match) {
	}

}
