package dev.porchlight.api.search;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.ConversationQuery;
import dev.porchlight.domain.search.Cursor;
import dev.porchlight.domain.search.Search;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

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
	Map<String, Object> conversations(@RequestParam(required = false) @Nullable String q,
			@RequestParam(required = false) String site, @RequestParam(required = false) String customer,
			@RequestParam(required = false) String status, @RequestParam(required = false) String tag,
			@RequestParam(required = false) String from, @RequestParam(required = false) String to,
			@RequestParam(defaultValue = "relevance") String sort, @RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "20") String limit) {
		ConversationQuery.Order order = parse(ConversationQuery.Order.class, sort, "sort",
				"The sort is 'relevance' or 'newest'.");
		ConversationQuery query = new ConversationQuery(q, (site != null) ? SiteId.parse(site) : null,
				(customer != null) ? CustomerId.parse(customer) : null,
				(status != null)
						? parse(ConversationStatus.class, status, "status", "The status is 'open' or 'closed'.") : null,
				tag, instant(from, "from"), instant(to, "to"), order, (cursor != null) ? Cursor.decode(cursor) : null,
				number(limit, "limit"));
		Search.Page page = this.search.conversations(query);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("results", page.hits().stream().map(SearchController::hit).toList());
		body.put("next", (page.next() != null) ? page.next().encode() : null);
		body.put("estimatedTotal", page.estimatedTotal());
		body.put("totalIsCapped", page.totalIsCapped());
		return body;
	}

	/**
	 * Every conversation (live ones are archived within a second), newest activity first,
	 * filtered like a search; with {@code q} it is a search.
	 */
	@GetMapping("/api/v1/conversations")
	Map<String, Object> list(@RequestParam(required = false) String q, @RequestParam(required = false) String site,
			@RequestParam(required = false) String customer, @RequestParam(required = false) String status,
			@RequestParam(required = false) String tag, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(defaultValue = "newest") String sort,
			@RequestParam(required = false) String cursor, @RequestParam(defaultValue = "20") String limit) {
		return conversations((q != null && !q.isBlank()) ? q : null, site, customer, status, tag, from, to, sort,
				cursor, limit);
	}

	@GetMapping("/api/v1/search/customers")
	List<Map<String, Object>> customers(@RequestParam(required = false) String q,
			@RequestParam(defaultValue = "20") String limit) {
		int max = number(limit, "limit");
		if (max < 1 || max > 100) {
			throw new DomainException("invalid_limit", "The limit is between 1 and 100.");
		}
		return this.search.customers((q != null) ? q : "", max).stream().map((hit) -> {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("id", hit.id().toString());
			view.put("name", hit.name());
			view.put("email", hit.email());
			view.put("phone", hit.phone());
			view.put("score", hit.score());
			return view;
		}).toList();
	}

	private static Map<String, Object> hit(ConversationHit hit) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("conversationId", hit.conversation().toString());
		view.put("siteId", hit.site().toString());
		view.put("customerId", (hit.customer() != null) ? hit.customer().toString() : null);
		view.put("status", hit.status().name().toLowerCase(Locale.ROOT));
		view.put("startedAt", hit.startedAt().toString());
		view.put("lastActivityAt", hit.lastActivityAt().toString());
		view.put("seq", hit.seq());
		view.put("rank", hit.rank());
		view.put("snippet",
				hit.snippet()
					.stream()
					.map((segment) -> Map.of("text", segment.text(), "match", segment.match()))
					.toList());
		return view;
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

}
