package dev.porchlight.api.insight;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.Csv;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.insight.Answers;
import dev.porchlight.domain.insight.Asks;
import dev.porchlight.domain.insight.Insights;
import dev.porchlight.domain.insight.Page;
import dev.porchlight.domain.insight.People;
import dev.porchlight.domain.insight.Period;
import dev.porchlight.domain.insight.Term;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A site's insights for a period (docs/insights.md): what customers ask for, who they
 * are, how the shop answers, each figure also as CSV; staff's corrections of terms; and
 * the owner's rebuild. A period is {@code days} up to today in the site's time zone (30
 * unless given), or {@code from} and {@code to}; only staff serving the site see it.
 */
@RestController
class InsightController {

	private static final int DEFAULT_DAYS = 30;

	private final Insights insights;

	private final Sites sites;

	private final AuditLog audit;

	private final Clock clock = Clock.systemUTC();

	InsightController(Insights insights, Sites sites, AuditLog audit) {
		this.insights = insights;
		this.sites = sites;
		this.audit = audit;
	}

	@GetMapping("/api/v1/insights/asks")
	AsksResult asks(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String days,
			@RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
			@RequestParam(defaultValue = "20") String limit) {
		Scope scope = scope(staff, site, days, from, to);
		int max = number(limit, "limit");
		if (max < 1 || max > Page.TERMS) {
			throw new DomainException("invalid_limit", "The limit is between 1 and " + Page.TERMS + ".");
		}
		Page page = page(scope);
		Asks asks = page.asks();
		return new AsksResult(view(scope, page), first(asks.top(), max), first(asks.rising(), max),
				first(asks.fading(), max));
	}

	@GetMapping("/api/v1/insights/people")
	PeopleResult people(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String days,
			@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to) {
		Scope scope = scope(staff, site, days, from, to);
		Page page = page(scope);
		return new PeopleResult(view(scope, page), page.people());
	}

	@GetMapping("/api/v1/insights/answers")
	AnswersResult answers(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String days,
			@RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to) {
		Scope scope = scope(staff, site, days, from, to);
		Page page = page(scope);
		return new AnswersResult(view(scope, page), page.answers());
	}

	/**
	 * One figure as CSV: its rows as the page shows them, with a header row.
	 */
	@ApiResponse(responseCode = "200", description = "The figure as CSV (Content-Disposition: attachment)",
			content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
	@GetMapping("/api/v1/insights/export")
	ResponseEntity<byte[]> export(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String days,
			@RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
			@RequestParam(required = false) @Nullable String figure, HttpServletRequest http) {
		Scope scope = scope(staff, site, days, from, to);
		Figure chosen = Figure.parse(figure);
		SiteId id = scope.site().id();
		Page page = page(scope);
		Period period = page.period();
		String csv = switch (chosen) {
			case TERMS, RISING, FADING -> {
				Asks asks = page.asks();
				List<Term> terms = (chosen == Figure.TERMS) ? asks.top()
						: (chosen == Figure.RISING) ? asks.rising() : asks.fading();
				yield table("term,key,conversations,people,previous_conversations,previous_people,rising,merged", terms,
						(term) -> List.of(term.label(), term.key(), term.conversations(), term.customers(),
								term.previousConversations(), term.previousCustomers(), term.rising(),
								String.join(" | ", term.merged())));
			}
			case DAYS ->
				table("day,conversations", page.people().days(), (day) -> List.of(day.day(), day.conversations()));
			case ARRIVALS -> arrivals(page.people().arrivals());
			case PAGES ->
				table("page,conversations", page.people().pages(), (count) -> List.of(count.label(), count.count()));
			case REFERRERS -> table("referrer,conversations", page.people().referrers(),
					(count) -> List.of(count.label(), count.count()));
			case PEOPLE -> people(page.people());
			case STORIES -> table("customer_id,name,conversations,messages", page.people().longest(),
					(story) -> List.of(story.customer(), (story.name() != null) ? story.name() : "",
							story.conversations(), story.messages()));
			case HOURS -> figures("hour", page.answers().byHour());
			case STAFF -> figures("staff", page.answers().byStaff());
			case ANSWERS -> figures("all", List.of(page.answers().all()));
		};
		this.audit.record(Actor.of(staff, http)
			.did(this.clock.instant(), "insights.exported", "site:" + id,
					Map.of("figure", chosen.value, "from", period.from().toString(), "to", period.to().toString())));
		String name = "insights-" + chosen.value + "-" + period.from() + "-" + period.to() + ".csv";
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
			.body(csv.getBytes(StandardCharsets.UTF_8));
	}

	@GetMapping("/api/v1/insights/rules")
	List<Term.Rule> rules(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site) {
		return this.insights.rules(site(staff, site).id());
	}

	/**
	 * Hides a term, or counts it as another ({@code mergeInto}); replaces what was set
	 * for it before.
	 */
	@PutMapping("/api/v1/insights/rules")
	Term.Rule correct(@AuthenticationPrincipal StaffPrincipal staff,
			@RequestParam(required = false) @Nullable String site, @RequestBody @Nullable RuleRequest body,
			HttpServletRequest http) {
		Site chosen = site(staff, site);
		if (body == null || body.key() == null) {
			throw new DomainException("invalid_term", "The body names the term: {\"key\": ..., \"hidden\": true} or "
					+ "{\"key\": ..., \"mergeInto\": ...}.");
		}
		Term.Rule rule = new Term.Rule(body.key().strip(), Boolean.TRUE.equals(body.hidden()),
				(body.mergeInto() != null) ? body.mergeInto().strip() : null);
		this.insights.correct(chosen.id(), rule);
		this.audit.record(Actor.of(staff, http)
			.did(this.clock.instant(), "insights.term_corrected", "site:" + chosen.id(),
					Map.of("term", rule.key(), "hidden", String.valueOf(rule.hidden()), "mergeInto",
							(rule.mergeInto() != null) ? rule.mergeInto() : "")));
		return rule;
	}

	@DeleteMapping("/api/v1/insights/rules")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void uncorrect(@AuthenticationPrincipal StaffPrincipal staff, @RequestParam(required = false) @Nullable String site,
			@RequestParam(required = false) @Nullable String key, HttpServletRequest http) {
		Site chosen = site(staff, site);
		if (key == null || !this.insights.uncorrect(chosen.id(), key.strip())) {
			throw ApiException.notFound("correction");
		}
		this.audit.record(Actor.of(staff, http)
			.did(this.clock.instant(), "insights.term_restored", "site:" + chosen.id(), Map.of("term", key.strip())));
	}

	/**
	 * Forgets every count and counts the whole archive again (owner only).
	 */
	@PostMapping("/api/v1/insights/rebuild")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Rebuild rebuild(@AuthenticationPrincipal StaffPrincipal owner, HttpServletRequest http) {
		long marked = this.insights.rebuild();
		this.audit.record(Actor.of(owner, http)
			.did(this.clock.instant(), "insights.rebuilt", "insights",
					Map.of("conversations", String.valueOf(marked))));
		return new Rebuild(marked);
	}

	private Page page(Scope scope) {
		return this.insights.page(scope.site().id(), scope.period(), scope.lastDays());
	}

	private PeriodView view(Scope scope, Page page) {
		// A kept page covers its own period, which ends a day earlier until the job has
		// computed it for the new day.
		Period period = page.period();
		Period previous = period.previous();
		return new PeriodView(scope.site().id().toString(), scope.site().name(), scope.zone().getId(),
				period.from().toString(), period.to().toString(), previous.from().toString(), previous.to().toString(),
				page.computedAt().toString(), this.insights.waiting(scope.site().id()));
	}

	private static <T> List<T> first(List<T> list, int max) {
		return (list.size() > max) ? list.subList(0, max) : list;
	}

	private Scope scope(StaffPrincipal staff, @Nullable String site, @Nullable String days, @Nullable String from,
			@Nullable String to) {
		Site chosen = site(staff, site);
		ZoneId zone = chosen.widget().businessHours().zone();
		LocalDate today = LocalDate.now(this.clock.withZone(zone));
		if (from != null || to != null) {
			if (from == null || to == null || days != null) {
				throw new DomainException("invalid_period", "Give 'from' and 'to' together, or 'days', not both.");
			}
			return new Scope(chosen, zone, new Period(date(from, "from"), date(to, "to")), false);
		}
		return new Scope(chosen, zone, Period.last((days != null) ? number(days, "days") : DEFAULT_DAYS, today), true);
	}

	private Site site(StaffPrincipal staff, @Nullable String site) {
		if (site == null || site.isBlank()) {
			throw new DomainException("missing_site", "Insights are for one site: give its id as 'site'.");
		}
		SiteId id = SiteId.parse(site);
		if (!staff.serves(id)) {
			throw ApiException.notFound("site");
		}
		return this.sites.findById(id).orElseThrow(() -> ApiException.notFound("site"));
	}

	private static LocalDate date(String text, String name) {
		try {
			return LocalDate.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new DomainException("invalid_" + name, "'" + name + "' is a date like 2026-03-01.");
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

	private static <T> String table(String header, List<T> rows, Function<T, List<?>> cells) {
		StringBuilder out = new StringBuilder(header).append("\r\n");
		for (T row : rows) {
			List<?> values = cells.apply(row);
			for (int i = 0; i < values.size(); i++) {
				Object value = values.get(i);
				if (i > 0) {
					out.append(',');
				}
				out.append((value instanceof String text) ? Csv.cell(text) : String.valueOf(value));
			}
			out.append("\r\n");
		}
		return out.toString();
	}

	private static String arrivals(int[][] arrivals) {
		StringBuilder out = new StringBuilder("weekday");
		for (int hour = 0; hour < 24; hour++) {
			out.append(',').append(String.format("%02d", hour));
		}
		out.append("\r\n");
		String[] weekdays = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
		for (int day = 0; day < 7; day++) {
			out.append(weekdays[day]);
			for (int hour = 0; hour < 24; hour++) {
				out.append(',').append(arrivals[day][hour]);
			}
			out.append("\r\n");
		}
		return out.toString();
	}

	private static String people(People people) {
		StringBuilder out = new StringBuilder("figure,count\r\n");
		out.append("conversations,").append(people.conversations()).append("\r\n");
		out.append("previous_conversations,").append(people.previousConversations()).append("\r\n");
		out.append("people,").append(people.people()).append("\r\n");
		out.append("new,").append(people.newPeople()).append("\r\n");
		out.append("returning,").append(people.returningPeople()).append("\r\n");
		out.append("customers_on_record,").append(people.identified()).append("\r\n");
		for (People.Count count : people.perPerson()) {
			out.append(Csv.cell("people_with_" + count.label() + "_conversations"))
				.append(',')
				.append(count.count())
				.append("\r\n");
		}
		return out.toString();
	}

	private static String figures(String first, List<Answers.Figures> rows) {
		return table(first + ",asked,replied,waiting,reply_median_s,reply_p90_s,closed,close_median_s,close_p90_s",
				rows,
				(row) -> java.util.Arrays.asList(row.label(), row.asked(), row.replied(), row.waiting(),
						blank(row.replyMedian()), blank(row.replyP90()), row.closed(), blank(row.closeMedian()),
						blank(row.closeP90())));
	}

	private static Object blank(@Nullable Double seconds) {
		return (seconds != null) ? seconds : "";
	}

	/** The figures that can be exported. */
	enum Figure {

		TERMS("terms"), RISING("rising"), FADING("fading"), DAYS("days"), ARRIVALS("arrivals"), PAGES("pages"),
		REFERRERS("referrers"), PEOPLE("people"), STORIES("stories"), HOURS("hours"), STAFF("staff"),
		ANSWERS("answers");

		private final String value;

		Figure(String value) {
			this.value = value;
		}

		static Figure parse(@Nullable String text) {
			for (Figure figure : values()) {
				if (figure.value.equals(text)) {
					return figure;
				}
			}
			throw new DomainException("invalid_figure", "The figure is one of terms, rising, fading, days, arrivals, "
					+ "pages, referrers, people, stories, hours, staff, answers.");
		}

	}

	/**
	 * @param lastDays whether the period is the last N days up to the site's today (a
	 * page kept and reused)
	 */
	private record Scope(Site site, ZoneId zone, Period period, boolean lastDays) {
	}

	/**
	 * What the figures cover.
	 *
	 * @param siteId the site
	 * @param siteName its name
	 * @param zone the time zone days and hours are in
	 * @param from the first day
	 * @param to the last day
	 * @param previousFrom the first day of the period compared with
	 * @param previousTo its last day
	 * @param computedAt when the figures were computed from the counts
	 * @param waiting the site's conversations archived but not counted yet
	 */
	record PeriodView(String siteId, String siteName, String zone, String from, String to, String previousFrom,
			String previousTo, String computedAt, long waiting) {
	}

	/**
	 * What customers asked for.
	 *
	 * @param period what it covers
	 * @param top the terms in most conversations
	 * @param rising the terms that grew most
	 * @param fading the terms that shrank most
	 */
	record AsksResult(PeriodView period, List<Term> top, List<Term> rising, List<Term> fading) {
	}

	/**
	 * @param period what it covers
	 * @param people who the customers were
	 */
	record PeopleResult(PeriodView period, People people) {
	}

	/**
	 * @param period what it covers
	 * @param answers how the shop answered
	 */
	record AnswersResult(PeriodView period, Answers answers) {
	}

	/**
	 * @param key the term
	 * @param hidden whether to hide it
	 * @param mergeInto the term to count it as
	 */
	record RuleRequest(@Nullable String key, @Nullable Boolean hidden, @Nullable String mergeInto) {
	}

	/**
	 * @param conversations conversations marked to be counted again
	 */
	record Rebuild(long conversations) {
	}

}
