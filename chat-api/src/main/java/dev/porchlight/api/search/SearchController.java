package dev.porchlight.api.search;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.ConversationQuery;
import dev.porchlight.domain.search.Cursor;
import dev.porchlight.domain.search.Search;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Search for staff: conversations by what was said, customers by who they are. Every
 * parameter is parsed into a typed value first; anything that does not parse is a 400
 * naming the parameter, never a database error.
 */
@RestController
class SearchController {

	private final Search search;

	SearchController(Search search) {
		this.search = search;
	}

	@GetMapping("/api/v1/search/conversations")
	ConversationResults conversations(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String q, @RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String customer,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String tag, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, @RequestParam(defaultValue = "relevance") String sort,
			@RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "20") String limit) {
		ConversationQuery.Order order = parse(ConversationQuery.Order.class, sort, "sort",
				"The sort is 'relevance' or 'newest'.");
		ConversationQuery query = new ConversationQuery(q, (site != null) ? SiteId.parse(site) : null,
				(customer != null) ? CustomerId.parse(customer) : null,
				(status != null)
						? parse(ConversationStatus.class, status, "status", "The status is 'open' or 'closed'.") : null,
				tag, instant(from, "from"), instant(to, "to"), order, (cursor != null) ? Cursor.decode(cursor) : null,
				number(limit, "limit"), staff.siteScope());
		Search.Page page = this.search.conversations(query);
		return new ConversationResults(page.hits().stream().map(ConversationResult::of).toList(),
				(page.next() != null) ? page.next().encode() : null, page.estimatedTotal(), page.totalIsCapped());
	}

	/**
	 * Every conversation (live ones are archived within a second), newest activity first,
	 * filtered like a search; with {@code q} it is a search.
	 */
	@GetMapping("/api/v1/conversations")
	ConversationResults list(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String q, @RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String customer,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String tag, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, @RequestParam(defaultValue = "newest") String sort,
			@RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "20") String limit) {
		return conversations(staff, (q != null && !q.isBlank()) ? q : null, site, customer, status, tag, from, to, sort,
				cursor, limit);
	}

	@GetMapping("/api/v1/search/customers")
	List<CustomerResult> customers(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String q, @RequestParam(defaultValue = "20") String limit) {
		int max = number(limit, "limit");
		if (max < 1 || max > 100) {
			throw new DomainException("invalid_limit", "The limit is between 1 and 100.");
		}
		return this.search.customers((q != null) ? q : "", max, staff.siteScope())
			.stream()
			.map((hit) -> new CustomerResult(hit.id().toString(), hit.name(), hit.email(), hit.phone(), hit.score()))
			.toList();
	}

	private static @Nullable Instant instant(@Nullable String text, String name) {
		if (text == null) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new DomainException("invalid_" + name,
					"'" + name + "' is an ISO-8601 time like 2026-03-01T00:00:00Z.");
		}
	}

	private static int number(String text, String name) {
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			throw new DomainException("invalid_" + name, "'" + name + "' is a whole number.");
		}
	}

	private static <E extends Enum<E>> E parse(Class<E> type, String value, String name, String message) {
		try {
			return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new DomainException("invalid_" + name, message);
		}
	}

	/**
	 * A page of conversations found.
	 *
	 * @param results the conversations
	 * @param next the cursor of the next page, null on the last
	 * @param estimatedTotal how many match, counted up to 1000
	 * @param totalIsCapped whether more may match
	 */
	record ConversationResults(List<ConversationResult> results, @Nullable String next, long estimatedTotal,
			boolean totalIsCapped) {
	}

	/**
	 * A conversation found, with where and whose it is.
	 *
	 * @param conversationId the conversation
	 * @param siteId its site
	 * @param siteName the site's name
	 * @param customerId its customer, if known
	 * @param customerName the customer's name, else their email
	 * @param status {@code open} or {@code closed}
	 * @param startedAt when it started
	 * @param lastActivityAt its last activity
	 * @param seq the best-matching message (the archived length when listing)
	 * @param rank how well it matched
	 * @param snippet text segments, the matched words marked
	 */
	record ConversationResult(String conversationId, String siteId, String siteName, @Nullable String customerId,
			@Nullable String customerName, String status, String startedAt, String lastActivityAt, long seq,
			double rank, List<Segment> snippet) {

		static ConversationResult of(ConversationHit hit) {
			return new ConversationResult(hit.conversation().toString(), hit.site().toString(), hit.siteName(),
					(hit.customer() != null) ? hit.customer().toString() : null, hit.customerName(),
					hit.status().name().toLowerCase(Locale.ROOT), hit.startedAt().toString(),
					hit.lastActivityAt().toString(), hit.seq(), hit.rank(),
					hit.snippet().stream().map((segment) -> new Segment(segment.text(), segment.match())).toList());
		}

	}

	/**
	 * A piece of a snippet, always shown as text.
	 *
	 * @param text the text
	 * @param match whether it is a matched word
	 */
	record Segment(String text, boolean match) {
	}

	/**
	 * A customer found.
	 *
	 * @param id the customer
	 * @param name their name
	 * @param email their email
	 * @param phone their phone
	 * @param score how well they matched, 0 to 1
	 */
	record CustomerResult(String id, @Nullable String name, @Nullable String email, @Nullable String phone,
			double score) {
	}

}
