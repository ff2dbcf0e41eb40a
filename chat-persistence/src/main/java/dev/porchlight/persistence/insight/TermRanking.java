package dev.porchlight.persistence.insight;

import java.sql.Date;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import dev.porchlight.domain.insight.Asks;
import dev.porchlight.domain.insight.Period;
import dev.porchlight.domain.insight.Term;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ranking of {@link JdbcInsights}: what customers asked for in a period, the terms in
 * most conversations, those that grew most and those that shrank most, with the site's
 * corrections applied. Its callers hold the transactions.
 */
final class TermRanking {

	/**
	 * Candidates ranked beyond a list's length, for those a longer phrase covers or too
	 * few people used.
	 */
	private static final int CANDIDATES_SPARE = 10;

	/** A term needs this many people in the period to be shown. */
	private static final int MIN_PEOPLE = 2;

	/** A phrase in this share of a shorter term's conversations stands for it. */
	private static final double COVERED_SHARE = 0.8;

	/**
	 * The candidates of a period: the terms in most conversations, those that grew most
	 * and those that shrank most, by the day counts (a conversation on two days of a
	 * merged pair counts twice here; the figures shown are counted exactly below).
	 */
	private static final String CANDIDATES = """
			with rules as (select term, hidden, merge_into from insight_term_rule where site_id = :site),
			sums as (
			    select coalesce(r.merge_into, d.term) as term,
			           coalesce(sum(d.conversations) filter (where d.day >= :from), 0) as now,
			           coalesce(sum(d.conversations) filter (where d.day < :from), 0) as before
			      from insight_term_day d left join rules r on r.term = d.term
			     where d.site_id = :site and d.day >= :previousFrom and d.day < :end and not coalesce(r.hidden, false)
			     group by 1),
			visible as (select s.* from sums s left join rules r on r.term = s.term where not coalesce(r.hidden, false))
			(select term from visible where now >= :min order by now desc, term limit :k)
			union
			(select term from visible where now > before and now >= :min order by now - before desc, now desc, term limit :k)
			union
			(select term from visible where before > now and before >= :min order by before - now desc, before desc, term
			 limit :k)
			""";

	/**
	 * What the candidates' counts are exactly, from one read of their rows in both
	 * periods: distinct conversations and people per period, and how often each spelling
	 * was written (for the label). Hash aggregates over the rows read once, rather than a
	 * sort per distinct count.
	 */
	private static final String EXACT = """
			with rules as (select term, merge_into from insight_term_rule where site_id = :site and merge_into is not null),
			wanted as (select unnest(cast(:keys as text[])) as key),
			sources as (select w.key, w.key as term from wanted w
			            union all
			            select w.key, r.term from wanted w join rules r on r.merge_into = w.key),
			found as materialized (
			    select s.key, t.conversation_id, t.who, t.surface, t.day >= :from as recent
			      from sources s
			      join insight_term t on t.site_id = :site and t.term = s.term and t.day >= :previousFrom and t.day < :end)
			select key, recent, 'c' as kind, null as surface, count(*) as n
			  from (select distinct key, recent, conversation_id from found) c group by key, recent
			union all
			select key, recent, 'p', null, count(*) from (select distinct key, recent, who from found) p group by key, recent
			union all
			select key, recent, 's', surface, count(*) from found group by key, recent, surface
			""";

	private final JdbcClient jdbc;

	private final Function<SiteId, List<Term.Rule>> rules;

	TermRanking(JdbcClient jdbc, Function<SiteId, List<Term.Rule>> rules) {
		this.jdbc = jdbc;
		this.rules = rules;
	}

	Asks asks(SiteId site, Period period, int limit) {
		Period previous = period.previous();
		List<String> keys = this.jdbc.sql(CANDIDATES)
			.param("site", site.value())
			.param("from", Date.valueOf(period.from()))
			.param("previousFrom", Date.valueOf(previous.from()))
			.param("end", Date.valueOf(period.end()))
			.param("min", MIN_PEOPLE)
			.param("k", limit + CANDIDATES_SPARE)
			.query(String.class)
			.list();
		if (keys.isEmpty()) {
			return new Asks(List.of(), List.of(), List.of());
		}
		Map<String, Counts> counts = new HashMap<>();
		this.jdbc.sql(EXACT)
			.param("site", site.value())
			.param("keys", keys.toArray(String[]::new))
			.param("from", Date.valueOf(period.from()))
			.param("previousFrom", Date.valueOf(previous.from()))
			.param("end", Date.valueOf(period.end()))
			.query((row) -> {
				counts.computeIfAbsent(row.getString("key"), (key) -> new Counts())
					.add(row.getBoolean("recent"), row.getString("kind"), row.getString("surface"), row.getInt("n"));
			});
		Map<String, List<String>> merged = new HashMap<>();
		for (Term.Rule rule : this.rules.apply(site)) {
			if (rule.mergeInto() != null) {
				merged.computeIfAbsent(rule.mergeInto(), (key) -> new ArrayList<>()).add(rule.key());
			}
		}
		List<Term> terms = counts.entrySet()
			.stream()
			.map((entry) -> entry.getValue().term(entry.getKey(), merged.getOrDefault(entry.getKey(), List.of())))
			.toList();
		List<Term> top = terms.stream()
			.filter((term) -> term.customers() >= MIN_PEOPLE && !covered(term, terms, Term::conversations))
			.sorted(Comparator.comparingInt(Term::conversations)
				.reversed()
				.thenComparing(Comparator.comparingInt(Term::customers).reversed())
				.thenComparing(Term::label))
			.limit(limit)
			.toList();
		List<Term> rising = terms.stream()
			.filter((term) -> term.customers() >= MIN_PEOPLE && term.conversations() > term.previousConversations()
					&& !covered(term, terms, Term::conversations))
			.sorted(byChange((term) -> term.conversations() - term.previousConversations()))
			.limit(limit)
			.toList();
		List<Term> fading = terms.stream()
			.filter((term) -> term.previousCustomers() >= MIN_PEOPLE
					&& term.previousConversations() > term.conversations()
					&& !covered(term, terms, Term::previousConversations))
			.sorted(byChange((term) -> term.previousConversations() - term.conversations()))
			.limit(limit)
			.toList();
		return new Asks(top, rising, fading);
	}

	/**
	 * Whether a longer phrase says the same: one that contains the term's words in a row
	 * and was used in at least {@value #COVERED_SHARE} of as many conversations ("gift"
	 * and "wrapping" when nearly everyone wrote "gift wrapping").
	 */
	private static boolean covered(Term term, List<Term> all, ToIntFunction<Term> count) {
		String words = " " + term.key() + " ";
		int own = count.applyAsInt(term);
		return all.stream()
			.anyMatch((other) -> other.key().length() > term.key().length() && (" " + other.key() + " ").contains(words)
					&& count.applyAsInt(other) >= COVERED_SHARE * own);
	}

	private static Comparator<Term> byChange(ToIntFunction<Term> change) {
		return Comparator.comparingInt(change)
			.reversed()
			.thenComparing(Comparator.comparingInt(Term::conversations).reversed())
			.thenComparing(Term::label);
	}

	/**
	 * A term's counts as {@link #EXACT} reads them: conversations and people in the
	 * period and the one before, and how often each spelling was written.
	 */
	private static final class Counts {

		private int conversations;

		private int people;

		private int previousConversations;

		private int previousPeople;

		private final Map<String, Integer> recentSpellings = new HashMap<>();

		private final Map<String, Integer> spellings = new HashMap<>();

		void add(boolean recent, String kind, @Nullable String surface, int n) {
			switch (kind) {
				case "c" -> {
					if (recent) {
						this.conversations = n;
					}
					else {
						this.previousConversations = n;
					}
				}
				case "p" -> {
					if (recent) {
						this.people = n;
					}
					else {
						this.previousPeople = n;
					}
				}
				default -> {
					if (recent) {
						this.recentSpellings.merge(surface, n, Integer::sum);
					}
					this.spellings.merge(surface, n, Integer::sum);
				}
			}
		}

		Term term(String key, List<String> merged) {
			// How customers wrote it most often in the period (else before), the first in
			// alphabetical order among equals.
			Map<String, Integer> source = this.recentSpellings.isEmpty() ? this.spellings : this.recentSpellings;
			String label = source.entrySet()
				.stream()
				.min(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
				.map(Map.Entry::getKey)
				.orElse(key);
			return new Term(key, label, this.conversations, this.people, this.previousConversations,
					this.previousPeople, Term.isRising(this.conversations, this.previousConversations),
					merged.stream().sorted().toList());
		}

	}

}
