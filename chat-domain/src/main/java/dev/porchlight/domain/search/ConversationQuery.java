package dev.porchlight.domain.search;

import java.time.Instant;
import java.util.Objects;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * A search over what was said in conversations, with filters and a page position.
 *
 * @param text what to look for, in web-search syntax: words, {@code "quoted phrases"},
 * {@code -excluded}, {@code or}; null lists every conversation matching the filters,
 * newest first
 * @param site only this site's conversations
 * @param customer only this customer's conversations
 * @param status only open or only closed conversations
 * @param tag only conversations with this tag
 * @param from only conversations active at or after this time
 * @param to only conversations started before this time
 * @param order relevance or newest first
 * @param after the cursor from the previous page, if any
 * @param limit results per page, 1 to 100
 * @param scope the sites whose conversations may be found at all (those a staff member
 * limited to some sites serves)
 */
public record ConversationQuery(@Nullable String text, @Nullable SiteId site, @Nullable CustomerId customer,
		@Nullable ConversationStatus status, @Nullable String tag, @Nullable Instant from, @Nullable Instant to,
		Order order, @Nullable Cursor after, int limit, SiteScope scope) {

	public static final int MAX_TEXT = 200;

	private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	/**
	 * A query over every site's conversations.
	 */
	public ConversationQuery(@Nullable String text, @Nullable SiteId site, @Nullable CustomerId customer,
			@Nullable ConversationStatus status, @Nullable String tag, @Nullable Instant from, @Nullable Instant to,
			Order order, @Nullable Cursor after, int limit) {
		this(text, site, customer, status, tag, from, to, order, after, limit, SiteScope.all());
	}

	public ConversationQuery {
		Objects.requireNonNull(order, "order");
		Objects.requireNonNull(scope, "scope");
		text = Text.optional("query", text, MAX_TEXT);
		if (text == null && order == Order.RELEVANCE) {
			throw new DomainException("invalid_query", "Say what to look for, or sort by newest to list everything.");
		}
		tag = Text.optional("tag", tag, 40);
		if (limit < 1 || limit > 100) {
			throw new DomainException("invalid_limit", "The limit is between 1 and 100.");
		}
		for (Instant time : new Instant[] { from, to }) {
			if (time != null && (time.isBefore(EARLIEST) || time.isAfter(LATEST))) {
				throw new DomainException("invalid_date_range", "Dates must lie between the years 2000 and 9999.");
			}
		}
		if (from != null && to != null && !from.isBefore(to)) {
			throw new DomainException("invalid_date_range", "'from' must be before 'to'.");
		}
		if (after != null && after.order() != order) {
			throw new DomainException("invalid_cursor", "The cursor belongs to another sort order.");
		}
	}

	/**
	 * How results are sorted.
	 */
	public enum Order {

		RELEVANCE, NEWEST

	}

}
