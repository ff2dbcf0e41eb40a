package dev.porchlight.persistence.search;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.ConversationQuery;
import dev.porchlight.domain.search.Cursor;
import dev.porchlight.domain.search.CustomerHit;
import dev.porchlight.domain.search.Search;
import dev.porchlight.domain.search.SearchTerms;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Repository;

/**
 * Search in PostgreSQL.
 *
 * <p>
 * Conversations: each has one positional document ({@code conversation_search}, kept by
 * triggers): who its customer is, then every message in order, each indexed with the
 * site's language stems and the exact words, accents removed. A query is read into
 * clauses ({@link SearchTerms}); the database turns each into a {@code tsquery} over the
 * languages of the sites searched, dropping stop words. All clauses must hold somewhere
 * in the conversation (phrases within one message, excluded words nowhere in it).
 * Relevance is {@code ts_rank} of the whole query over the conversation: every pair of
 * occurrences of two query words counts, weighed by how close they are (more than a few
 * words apart counts little), normalised by the conversation's length. It is computed for
 * at most {@value #CAP} matches: all of them, or for a word in more conversations than
 * that, the most recently started ones. (Cover density, {@code ts_rank_cd}, ranks by
 * closeness too and cost 3.8 µs a conversation against 0.4: a third of the main statement
 * of a three-word search.) The snippet is cut from the best-matching message(s) of the
 * page's rows only ({@link BestMessages}).
 *
 * <p>
 * Customers: see {@link CustomerSearch}.
 *
 * <p>
 * Every value is a bound parameter; the only variable SQL is chosen from fixed fragments.
 * Searches run with custom plans, so that the planner sees how common the words are: a
 * rare word is looked up in the GIN index, a word in most conversations is checked along
 * the newest conversations instead. Their statements are never prepared on the server
 * (PgJDBC's prepare threshold 0 on the connection while they run): PostgreSQL plans an
 * unnamed statement with its values every time, so a search needs neither a transaction
 * nor a setting sent first ({@link #customPlans}).
 */
@Repository
class JdbcSearch implements Search {

	static final int CAP = 1000;

	/** The conversation filters, shared by search and listing. */
	private static final String FILTERS = """
			 where (cast(:site as uuid) is null or c.site_id = cast(:site as uuid))
			   and (cast(:sites as uuid[]) is null or c.site_id = any(cast(:sites as uuid[])))
			   and (cast(:customer as uuid) is null or c.customer_id = cast(:customer as uuid))
			   and (cast(:status as text) is null or c.status = cast(:status as text))
			   and (cast(:from as timestamptz) is null or c.last_activity_at >= cast(:from as timestamptz))
			   and (cast(:to as timestamptz) is null or c.started_at < cast(:to as timestamptz))
			   and (cast(:tag as text) is null or exists (
			         select 1 from conversation_tag ct join tag t on t.id = ct.tag_id
			          where ct.conversation_id = c.id and t.name = cast(:tag as citext)))
			""";

	/** What a result shows besides the conversation: its site and customer by name. */
	private static final String NAMES = """
			       s.name as site_name, coalesce(cu.name, cast(cu.email as text)) as customer_name,
			       floor(extract(epoch from c.last_activity_at) * 1000000) as activity_key
			""";

	private static final String NAMES_JOIN = """
			  join site s on s.id = c.site_id
			  left join customer cu on cu.id = c.customer_id
			""";

	/**
	 * Keyset continuation and order for "newest activity first", shared by search and
	 * listing.
	 */
	private static final String AFTER_ACTIVITY_CURSOR = """
			   and (cast(:cursorId as uuid) is null
			        or floor(extract(epoch from c.last_activity_at) * 1000000) < cast(:cursorKey as float8)
			        or (floor(extract(epoch from c.last_activity_at) * 1000000) = cast(:cursorKey as float8)
			            and c.id < cast(:cursorId as uuid)))
			 order by c.last_activity_at desc, c.id desc
			 limit :limit
			""";

	private static final String LIST = """
			select c.id, c.site_id, c.customer_id, c.status, c.started_at, c.last_activity_at,
			       c.archived_seq as seq, 0 as rank, 0 as total,
			""" + NAMES + " from conversation c\n" + NAMES_JOIN + FILTERS + AFTER_ACTIVITY_CURSOR;

	private static final String LIST_TOTAL = """
			select count(*) from (select 1 from conversation c
			""" + FILTERS + """
			 limit :cap) capped
			""";

	/**
	 * The clauses as {@code tsquery}s. A word or phrase becomes, in each language of the
	 * sites searched and in exact words, the phrase of its words, OR-ed; a word that any
	 * of these languages drops as a stop word is left out, unless the query has nothing
	 * else. Phones and emoji come as lexemes. Answers the conversation filter (negations
	 * included), the query to rank by (the positive clauses), any positive clause (to
	 * find the best message), each positive clause, and the words to highlight.
	 */
	private static final String BUILD = """
			with config as (
			  select distinct s.search_config as config from site s
			   where cast(:site as uuid) is null or s.id = cast(:site as uuid)
			),
			alternative as (
			  select a.clause, a.negated,
			         case when a.lexemes is not null then cast(a.lexemes as tsquery)
			              else (select porchlight_any(distinct x.q)
			                      from (select phraseto_tsquery(c.config, a.text) as q
			                              from (select config from config
			                                    union select cast('porchlight_simple' as regconfig)) c) x
			                     where numnode(x.q) > 0) end as q,
			         a.word and exists (select 1 from config c where numnode(phraseto_tsquery(c.config, a.text)) = 0)
			           as stop
			    from unnest(cast(:clauses as int[]), cast(:negated as boolean[]), cast(:words as boolean[]),
			                cast(:texts as text[]), cast(:lexemes as text[])) as a(clause, negated, word, text, lexemes)
			),
			clause as (
			  select clause, bool_or(negated) as negated, bool_and(stop) as stop,
			         porchlight_any(q) filter (where not stop) as q, porchlight_any(q) as q_with_stop
			    from alternative where q is not null group by clause
			),
			kept as (
			  select clause, negated,
			         case when (select coalesce(bool_and(stop), true) from clause where not negated) then q_with_stop
			              else q end as q
			    from clause
			)
			select cast(porchlight_all(case when negated then !! q else q end) as text) as matches,
			       cast(porchlight_all(q) filter (where not negated) as text) as ranking,
			       cast(porchlight_any(q) filter (where not negated) as text) as any_term,
			       coalesce(array_agg(cast(q as text) order by clause) filter (where not negated), '{}') as terms,
			       cast(cast(regexp_replace(cast(porchlight_any(q) filter (where not negated) as text),
			                                '<->|<[0-9]+>|&', '|', 'g') as tsquery) as text) as lexemes
			  from kept where q is not null
			""";

	/**
	 * The conversations to rank: every match, or for a word in more than {@value #CAP}
	 * conversations the most recently started ones. Without conversation filters the
	 * document table alone answers. Each candidate brings its document along, so ranking
	 * does not look it up again (3 of 16 ms for three words in 2,900 conversations).
	 */
	private static final String CANDIDATES = """
			select cs.conversation_id as id, cs.document from conversation_search cs
			 where cs.document @@ cast(:matches as tsquery)
			   and (cast(:site as uuid) is null or cs.site_id = cast(:site as uuid))
			   and (cast(:sites as uuid[]) is null or cs.site_id = any(cast(:sites as uuid[])))
			 order by cs.started_at desc, cs.conversation_id desc
			 limit :cap
			""";

	private static final String FILTERED_CANDIDATES = """
			select cs.conversation_id as id, cs.document from conversation_search cs
			  join conversation c on c.id = cs.conversation_id
			""" + FILTERS + """
			   and cs.document @@ cast(:matches as tsquery)
			 order by cs.started_at desc, cs.conversation_id desc
			 limit :cap
			""";

	private static final String BY_RELEVANCE = """
			with candidate as (%s),
			ranked as (
			  select cand.id, coalesce(ts_rank(cand.document, cast(:ranking as tsquery), 1 | 32), 0) as rank,
			         count(*) over () as total
			    from candidate cand
			),
			page as (
			  select r.id, r.rank, r.total from ranked r
			   where cast(:cursorId as uuid) is null or r.rank < cast(:cursorKey as float4)
			         or (r.rank = cast(:cursorKey as float4) and r.id < cast(:cursorId as uuid))
			   order by r.rank desc, r.id desc
			   limit :limit
			)
			-- Names only for the rows of the page.
			select c.id, c.site_id, c.customer_id, c.status, c.started_at, c.last_activity_at, 0 as seq,
			       p.rank, p.total,
			""" + NAMES + """
			  from page p join conversation c on c.id = p.id
			""" + NAMES_JOIN + """
			 order by p.rank desc, c.id desc
			""";

	private static final String BY_ACTIVITY = """
			select c.id, c.site_id, c.customer_id, c.status, c.started_at, c.last_activity_at, 0 as seq, 0 as rank,
			       0 as total,
			""" + NAMES + """
			  from conversation_search cs join conversation c on c.id = cs.conversation_id
			""" + NAMES_JOIN + FILTERS + """
			   and cs.document @@ cast(:matches as tsquery)
			""" + AFTER_ACTIVITY_CURSOR;

	private static final String TOTAL = """
			select count(*) from (select 1 from conversation_search cs join conversation c on c.id = cs.conversation_id
			""" + FILTERS + """
			   and cs.document @@ cast(:matches as tsquery)
			 limit :cap) capped
			""";

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	JdbcSearch(JdbcClient jdbc, JdbcTemplate template) {
		this.jdbc = jdbc;
		this.template = template;
	}

	/**
	 * Runs a search's statements on one connection whose new statements are never
	 * prepared on the server, so each is planned with its values. Measured on the
	 * benchmark's archive, the customer search's generic plan took 28.8 ms against 13.3
	 * (its phone branch then scans every customer). This costs no round trip, and saves
	 * the ones custom plans took before: the commit of the transaction that a
	 * transaction-local {@code plan_cache_mode} needed, and for a customer search the
	 * {@code set local} itself.
	 */
	private <T> T customPlans(Function<JdbcClient, T> work) {
		return this.template.execute((ConnectionCallback<T>) (connection) -> {
			PGConnection postgres = connection.unwrap(PGConnection.class);
			int threshold = postgres.getPrepareThreshold();
			postgres.setPrepareThreshold(0);
			try {
				return work.apply(JdbcClient.create(new SingleConnectionDataSource(connection, true)));
			}
			finally {
				postgres.setPrepareThreshold(threshold);
			}
		});
	}

	@Override
	public Page conversations(ConversationQuery query) {
		if (query.text() == null) {
			List<Row> rows = rows(filters(this.jdbc.sql(LIST), query), query);
			long total = filters(this.jdbc.sql(LIST_TOTAL), query).param("cap", CAP).query(Long.class).single();
			return page(query, rows, Map.of(), total);
		}
		// Turning the text into queries has no plan to choose: its statement is prepared
		// once per connection like any other (planning it every time cost 0.7 ms).
		Built built = build(SearchTerms.parse(query.text()), query.site());
		if (built == null) {
			return new Page(List.of(), null, 0, false);
		}
		return customPlans((jdbc) -> matches(jdbc, query, built));
	}

	private Page matches(JdbcClient jdbc, ConversationQuery query, Built built) {
		boolean relevance = query.order() == ConversationQuery.Order.RELEVANCE;
		List<Row> rows;
		long total;
		if (relevance) {
			boolean filtered = query.customer() != null || query.status() != null || query.tag() != null
					|| query.from() != null || query.to() != null;
			String sql = BY_RELEVANCE.formatted(filtered ? FILTERED_CANDIDATES : CANDIDATES);
			rows = rows(filters(jdbc.sql(sql), query).param("matches", built.matches())
				.param("ranking", built.ranking())
				.param("cap", CAP), query);
			total = rows.isEmpty() ? countRelevant(jdbc, query, built) : rows.get(0).total;
		}
		else {
			rows = rows(filters(jdbc.sql(BY_ACTIVITY), query).param("matches", built.matches()), query);
			total = filters(jdbc.sql(TOTAL), query).param("matches", built.matches())
				.param("cap", CAP)
				.query(Long.class)
				.single();
		}
		List<Row> shown = (rows.size() > query.limit()) ? rows.subList(0, query.limit()) : rows;
		return page(query, rows, BestMessages.snippets(jdbc, shown.stream().map(Row::id).toList(), built), total);
	}

	/** An empty page after the cursor still says how many there are. */
	private long countRelevant(JdbcClient jdbc, ConversationQuery query, Built built) {
		if (query.after() == null) {
			return 0;
		}
		return filters(jdbc.sql(TOTAL), query).param("matches", built.matches())
			.param("cap", CAP)
			.query(Long.class)
			.single();
	}

	private List<Row> rows(JdbcClient.StatementSpec statement, ConversationQuery query) {
		Cursor after = query.after();
		return statement.param("cursorId", (after != null) ? after.id() : null)
			.param("cursorKey", (after != null) ? after.key() : null)
			.param("limit", query.limit() + 1)
			.query(JdbcSearch::row)
			.list();
	}

	private Page page(ConversationQuery query, List<Row> rows, Map<UUID, BestMessages.Best> best, long total) {
		boolean more = rows.size() > query.limit();
		List<Row> page = more ? rows.subList(0, query.limit()) : rows;
		List<ConversationHit> hits = page.stream().map((row) -> {
			BestMessages.Best found = best.get(row.id);
			return new ConversationHit(new ConversationId(row.id), new SiteId(row.site), row.siteName,
					(row.customer != null) ? new CustomerId(row.customer) : null, row.customerName, row.status,
					row.startedAt.toInstant(), row.lastActivity.toInstant(), (found != null) ? found.seq() : row.seq,
					row.rank, (found != null) ? found.snippet() : List.of());
		}).toList();
		Cursor next = null;
		if (more) {
			Row last = page.get(page.size() - 1);
			boolean relevance = query.order() == ConversationQuery.Order.RELEVANCE;
			next = new Cursor(query.order(), relevance ? last.rank : last.activityKey, last.id);
		}
		return new Page(hits, next, total, total >= CAP);
	}

	private static JdbcClient.StatementSpec filters(JdbcClient.StatementSpec statement, ConversationQuery query) {
		return statement.param("site", (query.site() != null) ? query.site().value() : null)
			.param("sites", sites(query.scope()))
			.param("customer", (query.customer() != null) ? query.customer().value() : null)
			.param("status", (query.status() != null) ? query.status().name() : null)
			.param("from", (query.from() != null) ? Timestamp.from(query.from()) : null)
			.param("to", (query.to() != null) ? Timestamp.from(query.to()) : null)
			.param("tag", query.tag());
	}

	/**
	 * The query's clauses as {@code tsquery}s, or null if nothing searchable is left.
	 */
	private @Nullable Built build(SearchTerms terms, @Nullable SiteId site) {
		if (terms.isEmpty()) {
			return null;
		}
		List<Integer> clauses = new ArrayList<>();
		List<Boolean> negated = new ArrayList<>();
		List<Boolean> words = new ArrayList<>();
		List<String> texts = new ArrayList<>();
		List<String> lexemes = new ArrayList<>();
		for (int i = 0; i < terms.clauses().size(); i++) {
			SearchTerms.Clause clause = terms.clauses().get(i);
			for (SearchTerms.Alternative alternative : clause.alternatives()) {
				clauses.add(i);
				negated.add(clause.negated());
				words.add(alternative.kind() == SearchTerms.Alternative.Kind.WORD);
				texts.add(alternative.text());
				lexemes.add(switch (alternative.kind()) {
					case PHONE -> phoneLexemes(alternative.text());
					case EMOJI -> lexeme(alternative.text());
					default -> null;
				});
			}
		}
		Built built = this.jdbc.sql(BUILD)
			.param("site", (site != null) ? site.value() : null)
			.param("clauses", clauses.toArray(Integer[]::new))
			.param("negated", negated.toArray(Boolean[]::new))
			.param("words", words.toArray(Boolean[]::new))
			.param("texts", texts.toArray(String[]::new))
			.param("lexemes", lexemes.toArray(String[]::new))
			.query((row, rowNum) -> new Built(row.getString("matches"), row.getString("ranking"),
					row.getString("any_term"), strings(row.getArray("terms")), row.getString("lexemes")))
			.single();
		return (built.matches() != null) ? built : null;
	}

	/**
	 * A phone's digits as lexemes of the index: stored numbers ending with them
	 * ({@code +}), and stored numbers they end with, six digits or more ({@code =}).
	 */
	static String phoneLexemes(String digits) {
		String stripped = digits.replaceFirst("^0+", "");
		Set<String> lexemes = new java.util.LinkedHashSet<>();
		for (String ending : List.of(digits, stripped)) {
			if (ending.length() >= SearchTerms.PHONE_DIGITS) {
				lexemes.add(lexeme("+" + ending));
			}
		}
		for (int n = SearchTerms.PHONE_DIGITS; n <= stripped.length(); n++) {
			lexemes.add(lexeme("=" + stripped.substring(stripped.length() - n)));
		}
		return lexemes.isEmpty() ? lexeme("=" + digits) : String.join(" | ", lexemes);
	}

	/** One lexeme as {@code tsquery} text, quoted. */
	static String lexeme(String text) {
		return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
	}

	@Override
	public List<CustomerHit> customers(String text, int limit, SiteScope scope) {
		return CustomerSearch.customers(text, limit, scope, this::customPlans);
	}

	/** The sites of a scope as a bound array, null for every site. */
	static UUID @Nullable [] sites(SiteScope scope) {
		return scope.isAll() ? null : scope.sites().stream().map(SiteId::value).toArray(UUID[]::new);
	}

	private static List<String> strings(Array array) throws SQLException {
		return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
	}

	private static Row row(ResultSet row, int rowNum) throws SQLException {
		return new Row(row.getObject("id", UUID.class), row.getObject("site_id", UUID.class),
				row.getString("site_name"), row.getObject("customer_id", UUID.class), row.getString("customer_name"),
				ConversationStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
				row.getTimestamp("started_at"), row.getTimestamp("last_activity_at"), row.getLong("seq"),
				row.getDouble("rank"), row.getLong("total"), row.getDouble("activity_key"));
	}

	private record Row(UUID id, UUID site, String siteName, @Nullable UUID customer, @Nullable String customerName,
			ConversationStatus status, Timestamp startedAt, Timestamp lastActivity, long seq, double rank, long total,
			double activityKey) {
	}

	/**
	 * A query as the database reads it.
	 *
	 * @param matches what a conversation must match (negations included)
	 * @param ranking the positive clauses, to rank by
	 * @param anyTerm any positive clause, to find the best message
	 * @param terms each positive clause
	 * @param lexemes any lexeme of the positive clauses, to mark words
	 */
	record Built(@Nullable String matches, @Nullable String ranking, @Nullable String anyTerm, List<String> terms,
			@Nullable String lexemes) {
	}

}
