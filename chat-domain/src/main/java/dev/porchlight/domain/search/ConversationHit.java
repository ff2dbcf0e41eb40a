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
 * @param siteName the site's name
 * @param customer its customer, if known
 * @param customerName how the customer is named (their name, else their email), if known
 * @param status open or closed
 * @param startedAt when it started
 * @param lastActivityAt its last activity
 * @param seq the sequence of the best-matching message, to open the conversation there
 * @param rank how well it matched (higher is better)
 * @param snippet the best-matching message(s) around the matches, as text segments, the
 * matched words marked; several messages are separated by a segment {@value #GAP}
 */
public record ConversationHit(ConversationId conversation, SiteId site, String siteName, @Nullable CustomerId customer,
		@Nullable String customerName, ConversationStatus status, Instant startedAt, Instant lastActivityAt, long seq,
		double rank, List<Segment> snippet) {

	/** Between the parts of a snippet that come from different places. */
	public static final String GAP = " … ";

	public ConversationHit {
		snippet = List.copyOf(snippet);
	}

	/**
	 * A piece of a snippet.
	 *
	 * @param text the text, always to be shown as text
	 * @param match whether it is a matched word
	 */
	public record Segment(String text, boolean match) {
	}

}
