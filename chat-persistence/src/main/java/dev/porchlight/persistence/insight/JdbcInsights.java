package dev.porchlight.persistence.insight;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.insight.Answers;
import dev.porchlight.domain.insight.Asks;
import dev.porchlight.domain.insight.Insights;
import dev.porchlight.domain.insight.Page;
import dev.porchlight.domain.insight.People;
import dev.porchlight.domain.insight.Period;
import dev.porchlight.domain.insight.Term;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Insights from the counts of V13. A page of the last N days is kept as JSON
 * ({@code insight_page}) and reused while nothing new was counted for its site, or for a
 * while after; ranking a period's terms reads every day count of both periods, which
 * grows with the vocabulary, so the page a shop owner opens every day is computed by the
 * job rather than on the request. Any other period is computed when asked for. Counting
 * is done by {@link InsightCounter}, ranking the terms by {@link TermRanking}.
 */
@Repository
class JdbcInsights implements Insights {

	/** The advisory lock of refreshing kept pages: one node at a time. */
	private static final long PAGES_LOCK = InsightCounter.COUNT_LOCK + 1;

	private static final int MAX_KEY = 200;

	private static final String PEOPLE = """
			with c as (select who, known, customer_messages from insight_conversation
			            where site_id = :site and day >= :from and day < :end),
			per as (select who, bool_or(known) as known, count(*) as n, sum(customer_messages) as messages
			          from c group by who),
			firsts as (select p.who, (select min(f.day) from insight_conversation f
			                           where f.site_id = :site and f.who = p.who) as first_day
			             from per p)
			select (select count(*) from c) as conversations,
			       (select count(*) from insight_conversation
			         where site_id = :site and day >= :previousFrom and day < :from) as previous,
			       (select count(*) from per) as people,
			       (select count(*) from firsts where first_day >= :from) as new_people,
			       (select count(*) from per where known) as identified,
			       (select count(*) from per where n = 1) as one,
			       (select count(*) from per where n = 2) as two,
			       (select count(*) from per where n between 3 and 5) as few,
			       (select count(*) from per where n >= 6) as many
			""";

	private static final String LONGEST = """
			select i.who, coalesce(cu.name, cu.email::text) as name, count(*) as conversations,
			       sum(i.customer_messages) as messages
			  from insight_conversation i join customer cu on cu.id = i.who
			 where i.site_id = :site and i.day >= :from and i.day < :end and i.known
			 group by i.who, cu.name, cu.email
			 order by messages desc, conversations desc, i.who
			 limit 5
			""";

	private static final String FIGURES = """
			count(*) filter (where customer_messages > 0) as asked,
			count(first_reply_at) as replied,
			count(*) filter (where customer_messages > 0 and first_reply_at is null) as waiting,
			percentile_cont(0.5) within group (order by extract(epoch from first_reply_at - first_message_at))
			    as reply_median,
			percentile_cont(0.9) within group (order by extract(epoch from first_reply_at - first_message_at))
			    as reply_p90,
			count(closed_at) as closed,
			percentile_cont(0.5) within group (order by extract(epoch from closed_at - started_at)) as close_median,
			percentile_cont(0.9) within group (order by extract(epoch from closed_at - started_at)) as close_p90
			""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final InsightCounter counter;

	private final TermRanking ranking;

	JdbcInsights(JdbcClient jdbc) {
		this.jdbc = jdbc;
		this.counter = new InsightCounter(jdbc);
		this.ranking = new TermRanking(jdbc, this::rules);
	}

	@Override
	@Transactional
	public int count(int batch, Duration settled) {
		return this.counter.count(batch, settled);
	}

	@Override
	public void postponeOldest() {
		this.counter.postponeOldest();
	}

	@Override
	public long waiting(SiteId site) {
		return this.counter.waiting(site);
	}

	@Override
	@Transactional
	public long rebuild() {
		return this.counter.rebuild();
	}

	@Override
	public Page page(SiteId site, Period period, boolean kept) {
		if (kept) {
			// A kept page is shown as it is (its own period and computedAt say what it
			// covers); the job computes it again when it is due, so that no request waits
			// for a long period to be computed. Reading it marks it read, at most once a
			// minute, so that concurrent readers do not queue for the row.
			Optional<Stored> stored = this.jdbc.sql("""
					select page::text as page, read_at < now() - interval '1 minute' as touch from insight_page
					 where site_id = :site and days = :days and computed_at > now() - interval '1 day'
					""")
				.param("site", site.value())
				.param("days", period.days())
				.query((row, rowNum) -> new Stored(row.getString("page"), row.getBoolean("touch")))
				.optional();
			if (stored.isPresent()) {
				if (stored.get().touch()) {
					this.jdbc.sql("""
							update insight_page set read_at = now()
							 where site_id = :site and days = :days and read_at < now() - interval '1 minute'
							""").param("site", site.value()).param("days", period.days()).update();
				}
				return JSON.readValue(stored.get().page(), Page.class);
			}
		}
		Page page = compute(site, period);
		if (kept) {
			keep(site, period, page);
		}
		return page;
	}

	@Override
	@Transactional
	public int refreshPages(Duration fresh) {
		if (!InsightCounter.tryTransactionLock(this.jdbc, PAGES_LOCK)) {
			return 0;
		}
		List<Kept> due = this.jdbc.sql("""
				select p.site_id, p.days, t.today
				  from insight_page p
				  join site s on s.id = p.site_id
				  left join insight_site c on c.site_id = p.site_id
				  cross join lateral (select (now() at time zone coalesce(s.widget_settings #>> '{businessHours,zone}',
				                                                          'UTC'))::date as today) t
				 where p.read_at > now() - interval '1 day'
				   and (p.last_day <> t.today
				        or (p.computed_at < c.counted_at
				            and p.computed_at <= now() - cast(:fresh as interval) * p.days / 30.0))
				""")
			.param("fresh", fresh.toMillis() + " milliseconds")
			.query((row, rowNum) -> new Kept(new SiteId(row.getObject("site_id", UUID.class)), row.getInt("days"),
					row.getDate("today").toLocalDate()))
			.list();
		for (Kept page : due) {
			Period period = Period.last(page.days(), page.today());
			keep(page.site(), period, compute(page.site(), period));
		}
		return due.size();
	}

	private Page compute(SiteId site, Period period) {
		Instant computed = this.jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
		return new Page(period, asks(site, period, Page.TERMS), people(site, period), answers(site, period), computed);
	}

	private void keep(SiteId site, Period period, Page page) {
		this.jdbc.sql("""
				insert into insight_page (site_id, days, last_day, computed_at, read_at, page)
				values (:site, :days, :lastDay, :computedAt, now(), cast(:page as jsonb))
				on conflict (site_id, days) do update
				   set last_day = excluded.last_day, computed_at = excluded.computed_at, page = excluded.page
				""")
			.param("site", site.value())
			.param("days", period.days())
			.param("lastDay", Date.valueOf(period.to()))
			.param("computedAt", Timestamp.from(page.computedAt()))
			.param("page", JSON.writeValueAsString(page))
			.update();
	}

	@Override
	@Transactional(readOnly = true)
	public Asks asks(SiteId site, Period period, int limit) {
		return this.ranking.asks(site, period, limit);
	}

	@Override
	@Transactional(readOnly = true)
	public People people(SiteId site, Period period) {
		Map<String, Object> range = range(site, period);
		Summary summary = this.jdbc.sql(PEOPLE)
			.params(range)
			.query((row, rowNum) -> new Summary(row.getInt("conversations"), row.getInt("previous"),
					row.getInt("people"), row.getInt("new_people"), row.getInt("identified"),
					List.of(new People.Count("1", row.getInt("one")), new People.Count("2", row.getInt("two")),
							new People.Count("3-5", row.getInt("few")), new People.Count("6+", row.getInt("many")))))
			.single();
		Map<LocalDate, Integer> perDay = new HashMap<>();
		this.jdbc.sql("""
				select day, count(*) as n from insight_conversation
				 where site_id = :site and day >= :from and day < :end group by day
				""").params(range).query((row) -> {
			perDay.put(row.getDate("day").toLocalDate(), row.getInt("n"));
		});
		List<People.Day> days = period.from()
			.datesUntil(period.end())
			.map((day) -> new People.Day(day, perDay.getOrDefault(day, 0)))
			.toList();
		int[][] arrivals = new int[7][24];
		this.jdbc.sql("""
				select local_dow, local_hour, count(*) as n from insight_conversation
				 where site_id = :site and day >= :from and day < :end group by local_dow, local_hour
				""").params(range).query((row) -> {
			arrivals[row.getInt("local_dow") - 1][row.getInt("local_hour")] = row.getInt("n");
		});
		List<People.Count> pages = this.jdbc.sql("""
				select page as label, count(*) as n from insight_conversation
				 where site_id = :site and day >= :from and day < :end and page is not null
				 group by page order by n desc, page limit 10
				""").params(range).query(JdbcInsights::count).list();
		List<People.Count> referrers = this.jdbc.sql("""
				select coalesce(referrer, '') as label, count(*) as n from insight_conversation
				 where site_id = :site and day >= :from and day < :end
				 group by referrer order by n desc, referrer nulls first limit 10
				""").params(range).query(JdbcInsights::count).list();
		List<People.Story> longest = this.jdbc.sql(LONGEST)
			.params(range)
			.query((row, rowNum) -> new People.Story(row.getObject("who", UUID.class).toString(), row.getString("name"),
					row.getInt("conversations"), row.getInt("messages")))
			.list();
		return new People(summary.conversations(), summary.previous(), summary.people(), summary.newPeople(),
				summary.people() - summary.newPeople(), summary.identified(), summary.perPerson(), days, arrivals,
				pages, referrers, longest);
	}

	private static People.Count count(ResultSet row, int rowNum) throws SQLException {
		return new People.Count(row.getString("label"), row.getInt("n"));
	}

	@Override
	@Transactional(readOnly = true)
	public Answers answers(SiteId site, Period period) {
		Map<String, Object> range = range(site, period);
		Map<Integer, Answers.Figures> hours = new HashMap<>();
		List<Answers.Figures> all = new ArrayList<>();
		this.jdbc.sql("select grouping(local_hour) as whole, local_hour, " + FIGURES + """
				  from insight_conversation
				 where site_id = :site and day >= :from and day < :end
				 group by grouping sets ((), (local_hour))
				""").params(range).query((row) -> {
			if (row.getInt("whole") == 1) {
				all.add(figures(row, "", null));
			}
			else {
				int hour = row.getInt("local_hour");
				hours.put(hour, figures(row, String.format("%02d", hour), null));
			}
		});
		List<Answers.Figures> byHour = new ArrayList<>();
		for (int hour = 0; hour < 24; hour++) {
			byHour.add(hours.getOrDefault(hour,
					new Answers.Figures(String.format("%02d", hour), null, 0, 0, 0, null, null, 0, null, null)));
		}
		List<Answers.Figures> byStaff = byStaff(range);
		Answers.Figures whole = all.isEmpty() ? new Answers.Figures("", null, 0, 0, 0, null, null, 0, null, null)
				: all.getFirst();
		return new Answers(whole, byHour, byStaff);
	}

	/**
	 * Replies counted by who replied first, closes by who had the conversation when it
	 * closed: two groupings, one row per staff member.
	 */
	private List<Answers.Figures> byStaff(Map<String, Object> range) {
		Map<UUID, Answers.Figures> replies = new HashMap<>();
		this.jdbc.sql("select first_reply_by as staff, " + FIGURES + """
				  from insight_conversation
				 where site_id = :site and day >= :from and day < :end and first_reply_by is not null
				 group by first_reply_by
				""").params(range).query((row) -> {
			replies.put(row.getObject("staff", UUID.class), figures(row, "", null));
		});
		Map<UUID, Answers.Figures> closes = new HashMap<>();
		this.jdbc.sql("select closed_by as staff, " + FIGURES + """
				  from insight_conversation
				 where site_id = :site and day >= :from and day < :end and closed_by is not null
				 group by closed_by
				""").params(range).query((row) -> {
			closes.put(row.getObject("staff", UUID.class), figures(row, "", null));
		});
		Set<UUID> staff = new LinkedHashSet<>(replies.keySet());
		staff.addAll(closes.keySet());
		if (staff.isEmpty()) {
			return List.of();
		}
		Map<UUID, String> names = new HashMap<>();
		this.jdbc.sql("select id, display_name from account where id = any(:ids)")
			.param("ids", staff.toArray(UUID[]::new))
			.query((row) -> {
				names.put(row.getObject("id", UUID.class), row.getString("display_name"));
			});
		List<Answers.Figures> rows = new ArrayList<>();
		for (UUID id : staff) {
			if (!names.containsKey(id)) {
				// A staff member removed since: their figures are in the totals only.
				continue;
			}
			Answers.Figures reply = replies.get(id);
			Answers.Figures close = closes.get(id);
			rows.add(new Answers.Figures(names.get(id), id.toString(), (reply != null) ? reply.replied() : 0,
					(reply != null) ? reply.replied() : 0, 0, (reply != null) ? reply.replyMedian() : null,
					(reply != null) ? reply.replyP90() : null, (close != null) ? close.closed() : 0,
					(close != null) ? close.closeMedian() : null, (close != null) ? close.closeP90() : null));
		}
		rows.sort(Comparator.comparingInt(Answers.Figures::replied)
			.reversed()
			.thenComparing(Comparator.comparingInt(Answers.Figures::closed).reversed())
			.thenComparing(Answers.Figures::label));
		return rows;
	}

	private static Answers.Figures figures(ResultSet row, String label, @Nullable String staff) throws SQLException {
		return new Answers.Figures(label, staff, row.getInt("asked"), row.getInt("replied"), row.getInt("waiting"),
				seconds(row, "reply_median"), seconds(row, "reply_p90"), row.getInt("closed"),
				seconds(row, "close_median"), seconds(row, "close_p90"));
	}

	private static @Nullable Double seconds(ResultSet row, String column) throws SQLException {
		double value = row.getDouble(column);
		return row.wasNull() ? null : Math.round(value * 10) / 10.0;
	}

	private static Map<String, Object> range(SiteId site, Period period) {
		return Map.of("site", site.value(), "from", Date.valueOf(period.from()), "previousFrom",
				Date.valueOf(period.previous().from()), "end", Date.valueOf(period.end()));
	}

	@Override
	public List<Term.Rule> rules(SiteId site) {
		return this.jdbc
			.sql("select term, hidden, merge_into from insight_term_rule where site_id = :site order by term")
			.param("site", site.value())
			.query((row, rowNum) -> new Term.Rule(row.getString("term"), row.getBoolean("hidden"),
					row.getString("merge_into")))
			.list();
	}

	@Override
	@Transactional
	public void correct(SiteId site, Term.Rule rule) {
		String key = key(rule.key());
		String into = (rule.mergeInto() != null) ? key(rule.mergeInto()) : null;
		if (into == null && !rule.hidden()) {
			throw new DomainException("invalid_rule", "A correction hides the term or merges it into another.");
		}
		if (key.equals(into)) {
			throw new DomainException("invalid_merge", "A term cannot be merged into itself.");
		}
		if (into != null) {
			String further = this.jdbc
				.sql("select merge_into from insight_term_rule where site_id = :site and term = :term")
				.param("site", site.value())
				.param("term", into)
				.query(String.class)
				.optional()
				.orElse(null);
			if (further != null) {
				throw new DomainException("invalid_merge",
						"'" + into + "' is itself counted as '" + further + "': merge into that instead.");
			}
			// What was merged into this term now goes where it goes.
			this.jdbc.sql("""
					update insight_term_rule set merge_into = :into
					 where site_id = :site and merge_into = :term and term <> :into
					""").param("site", site.value()).param("term", key).param("into", into).update();
			this.jdbc.sql("delete from insight_term_rule where site_id = :site and term = :into and merge_into = :term")
				.param("site", site.value())
				.param("term", key)
				.param("into", into)
				.update();
		}
		forget(site);
		this.jdbc.sql("""
				insert into insight_term_rule (site_id, term, hidden, merge_into) values (:site, :term, :hidden, :into)
				on conflict (site_id, term) do update set hidden = excluded.hidden, merge_into = excluded.merge_into
				""")
			.param("site", site.value())
			.param("term", key)
			.param("hidden", rule.hidden())
			.param("into", into)
			.update();
	}

	@Override
	@Transactional
	public boolean uncorrect(SiteId site, String key) {
		forget(site);
		return this.jdbc.sql("delete from insight_term_rule where site_id = :site and term = :term")
			.param("site", site.value())
			.param("term", key)
			.update() > 0;
	}

	/** Drops the site's kept pages: they counted terms as they were corrected before. */
	private void forget(SiteId site) {
		this.jdbc.sql("delete from insight_page where site_id = :site").param("site", site.value()).update();
	}

	private static String key(String key) {
		String trimmed = key.strip();
		if (trimmed.isEmpty() || trimmed.length() > MAX_KEY) {
			throw new DomainException("invalid_term", "A term is 1 to " + MAX_KEY + " characters.");
		}
		return trimmed;
	}

	private record Kept(SiteId site, int days, LocalDate today) {
	}

	private record Stored(String page, boolean touch) {
	}

	private record Summary(int conversations, int previous, int people, int newPeople, int identified,
			List<People.Count> perPerson) {
	}

}