package dev.porchlight.bench;

import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Scenario 4: search over an archive seeded with {@code COPY}. The text is generated from
 * shop-chat sentences with a skewed choice of products, places and names, so common words
 * are common and specific ones rare, as in real transcripts.
 */
final class Search {

	static final String[] FIRST = { "Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas",
			"Klara", "Luca", "Mila", "Noah", "Olga", "Paul", "Rosa", "Sami", "Tara", "Viktor" };

	static final String[] LAST = { "Schneider", "Dubois", "Rossi", "Kowalski", "Novak", "Jensen", "Garcia", "Murphy",
			"Nakamura", "Okafor", "Haddad", "Lindqvist", "Moreau", "Weber", "Costa", "Fischer", "Petrov", "Brennan",
			"Silva", "Yilmaz" };

	static final String[] PRODUCTS = { "ring", "necklace", "bracelet", "pendant", "earrings", "brooch", "anklet",
			"charm", "chain", "watch strap", "cufflinks", "tiara", "locket", "signet ring", "ankh pendant" };

	static final String[] MATERIALS = { "silver", "gold", "rose gold", "platinum", "titanium", "copper", "brass" };

	static final String[] PLACES = { "Vienna", "Lyon", "Porto", "Gdansk", "Bergen", "Leeds", "Bologna", "Ghent",
			"Tartu", "Cork" };

	static final String[] TEMPLATES = { "Hi, do you have the %m %p in stock?", "Is the %m %p available in size %n?",
			"How long does shipping to %c take for the %p?", "My order %o has not arrived in %c yet",
			"Can I return the %m %p if it does not fit?", "Thanks, the %p arrived today and it is lovely",
			"Could you engrave the %m %p with two initials?", "Do you offer gift wrapping for the %p?",
			"The clasp of my %m %p broke after a week, order %o",
			"What is the price of the %m %p with express delivery to %c?", "Yes, we can do that for you",
			"Your order %o left our workshop this morning", "We restock the %m %p every Monday",
			"Please send us a photo of the %p and we will sort it out" };

	/**
	 * One query of the rotation: through the REST API, or with {@code apiPath} null, its
	 * {@code ftsSql} alone over JDBC (no node), as a floor for what the API can reach.
	 */
	record Query(String kind, String apiPath, String ftsSql, String ilikeSql, String param, String ilikeParam) {
	}

	/**
	 * Full text's matches found by PostgreSQL alone: the GIN lookup and the matching
	 * rows, before any ordering, ranking, snippet or node. Whatever full text does, it
	 * does this first; measured with chat running, it shows how far below the goal the
	 * rest must be.
	 */
	static final String MATCHES_ALONE = "select count(*) from conversation_search "
			+ "where document @@ websearch_to_tsquery('porchlight_english', ?)";

	/**
	 * A few open connections for the queries run over JDBC in the rotation, planned with
	 * their values each time as the product's searches are (prepare threshold 0).
	 */
	static final class Direct implements AutoCloseable {

		private final java.util.concurrent.BlockingQueue<Connection> idle = new java.util.concurrent.LinkedBlockingQueue<>();

		Direct(String jdbcUrl, int connections) throws SQLException {
			for (int i = 0; i < connections; i++) {
				Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
				connection.unwrap(PGConnection.class).setPrepareThreshold(0);
				this.idle.add(connection);
			}
		}

		void run(String sql, String param) throws Exception {
			Connection connection = this.idle.take();
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setString(1, param);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						rows.getObject(1);
					}
				}
			}
			finally {
				this.idle.add(connection);
			}
		}

		@Override
		public void close() throws SQLException {
			for (Connection connection : this.idle) {
				connection.close();
			}
		}

	}

	private static void execute(Api owner, Direct direct, Query query) throws Exception {
		if (query.apiPath() == null) {
			direct.run(query.ftsSql(), query.param());
		}
		else {
			owner.getJson(query.apiPath());
		}
	}

	/**
	 * What seeding made and cost.
	 *
	 * @param messages messages loaded
	 * @param conversations conversations loaded
	 * @param customers customers loaded
	 * @param copySeconds time for COPY, indexes dropped
	 * @param indexSeconds time to build every search structure again, then analyze
	 * @param indexes each index built, with its build time and size
	 */
	record Seeded(long messages, long conversations, long customers, double copySeconds, double indexSeconds,
			List<Index> indexes) {

		String line() {
			return String.format(java.util.Locale.ROOT, "Seeded in %.1f s (COPY) + %.1f s (indexes, analyze); %s",
					this.copySeconds, this.indexSeconds,
					this.indexes.stream()
						.map((index) -> String.format(java.util.Locale.ROOT, "%s %.1f MiB in %.1f s", index.name(),
								index.bytes() / 1048576.0, index.seconds()))
						.collect(java.util.stream.Collectors.joining(", ")));
		}

	}

	/**
	 * One index (or derived table) of the search, as built after the load.
	 *
	 * @param name its name
	 * @param seconds build time
	 * @param bytes size on disk
	 */
	record Index(String name, double seconds, long bytes) {
	}

	record Figures(Seeded seeded, Map<String, Histogram> api, Map<String, Histogram> fts, Map<String, Histogram> ilike,
			Searching searching, LoadGenerator.Result chat, List<StatementTime> statements) {
	}

	/**
	 * PostgreSQL's own time for one kind of statement the searches ran while measured
	 * ({@code pg_stat_statements}, reset after the warm-up): what of an API latency is
	 * the database's work, planning included.
	 *
	 * @param kind what the statement does
	 * @param calls times run
	 * @param planMs mean planning time
	 * @param execMs mean execution time
	 */
	record StatementTime(String kind, long calls, double planMs, double execMs) {
	}

	/**
	 * The statements of a search by what they do, matched on their text; anything else
	 * (chat's archive, sessions) is left out.
	 */
	private static final String STATEMENTS = """
			select kind, sum(calls), sum(total_plan_time) / sum(calls), sum(total_exec_time) / sum(calls)
			  from (select calls, total_plan_time, total_exec_time,
			               case when query like '%porchlight_any(distinct%' then '1 query to tsquery'
			                    when query like '%with candidate as%' then '2 candidates and ranking'
			                    when query like '%document @@%last_activity_at desc%' then '2 conversations by activity'
			                    when query like '%porchlight_best_messages%' then '3 best messages'
			                    when query like '%select distinct w.word%' then '4 words to mark'
			                    when query like '%word_similarity%' then '5 customers' end as kind
			          from pg_stat_statements) s
			 where kind is not null group by kind order by kind
			""";

	/**
	 * How searches arrive: {@code searchers} clients each sending the next query when the
	 * last is answered (closed loop: they take whatever the machine has left), or, if
	 * {@code perSecond} is above 0, searches started on a steady clock whatever the
	 * answers (open loop: latency counted from each search's due time, so a slow answer
	 * delays nothing and hides nothing).
	 *
	 * @param searchers clients of a closed loop
	 * @param perSecond searches started per second in an open loop, or 0
	 */
	record Searching(int searchers, double perSecond) {

		static Searching closed(int searchers) {
			return new Searching(searchers, 0);
		}

		static Searching paced(double perSecond) {
			return new Searching(0, perSecond);
		}

		String describe() {
			if (this.perSecond > 0) {
				return String.format(java.util.Locale.ROOT, "%.0f searches/s", this.perSecond);
			}
			return (this.searchers == 1) ? "one searcher" : this.searchers + " searchers without pause";
		}

	}

	private Search() {
	}

	/**
	 * The tables whose indexes serve search: dropped for the load, built again after it.
	 */
	static final List<String> TABLES = List.of("message", "customer", "customer_identity", "conversation",
			"conversation_search");

	/**
	 * Seeds customers, visitors, conversations and messages, then builds the search
	 * indexes again, each timed and measured.
	 */
	static Seeded seed(String jdbcUrl, UUID site, int messages) throws Exception {
		int perConversation = 10;
		int conversations = messages / perConversation;
		int customers = Math.max(100, conversations / 5);
		SplittableRandom random = new SplittableRandom(42);
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			CopyManager copy = db.unwrap(PGConnection.class).getCopyAPI();
			// The indexes are dropped for the load and built again exactly as defined
			// (their definitions read from pg_indexes), as one does for a bulk load.
			Map<String, String> indexes = new LinkedHashMap<>();
			try (PreparedStatement statement = db.prepareStatement("""
					select i.indexname, i.indexdef from pg_indexes i
					 where i.schemaname = 'public' and i.tablename = any(?)
					   and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
					""")) {
				statement.setArray(1, db.createArrayOf("text", TABLES.toArray()));
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						indexes.put(rows.getString(1), rows.getString(2));
					}
				}
			}
			for (String index : indexes.keySet()) {
				db.createStatement().execute("drop index " + index);
			}
			// The triggers that keep conversation documents are off for the load; the
			// documents are built once afterwards with the product's own function.
			db.createStatement().execute("alter table conversation disable trigger user");
			db.createStatement().execute("alter table message disable trigger user");
			String config;
			try (PreparedStatement statement = db
				.prepareStatement("select cast(search_config as text) from site where id = ?")) {
				statement.setObject(1, site);
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					config = row.getString(1);
				}
			}
			long started = System.nanoTime();
			Instant now = Instant.now();
			UUID[] customerIds = new UUID[customers];
			StringBuilder rows = new StringBuilder();
			for (int i = 0; i < customers; i++) {
				customerIds[i] = new UUID(random.nextLong(), random.nextLong());
				String first = FIRST[skewed(random, FIRST.length)];
				String last = LAST[random.nextInt(LAST.length)];
				rows.append(customerIds[i])
					.append('\t')
					.append(first)
					.append(' ')
					.append(last)
					.append(" ")
					.append(i)
					.append('\t')
					.append(first.toLowerCase())
					.append('.')
					.append(last.toLowerCase())
					.append(i)
					.append("@mail.example\t+43 660 ")
					.append(1000000 + i)
					.append('\t')
					.append(now)
					.append('\t')
					.append(now)
					.append('\t')
					.append(now)
					.append('\t')
					.append(now)
					.append('\n');
			}
			copy.copyIn(
					"copy customer (id, name, email, phone, first_seen_at, last_seen_at, created_at, updated_at) from stdin",
					new StringReader(rows.toString()));
			int chunk = 20_000;
			for (int from = 0; from < conversations; from += chunk) {
				StringBuilder visitors = new StringBuilder();
				StringBuilder convs = new StringBuilder();
				StringBuilder msgs = new StringBuilder();
				for (int c = from; c < Math.min(conversations, from + chunk); c++) {
					UUID visitor = new UUID(random.nextLong(), random.nextLong());
					UUID conversation = new UUID(random.nextLong(), random.nextLong());
					UUID customer = customerIds[random.nextInt(customers)];
					Instant at = now.minus(Duration.ofMinutes(conversations - c));
					visitors.append(visitor)
						.append('\t')
						.append(site)
						.append('\t')
						.append(customer)
						.append('\t')
						.append(at)
						.append('\t')
						.append(at)
						.append('\n');
					convs.append(conversation)
						.append('\t')
						.append(site)
						.append('\t')
						.append(visitor)
						.append('\t')
						.append(customer)
						.append("\tCLOSED\t")
						.append(at)
						.append('\t')
						.append(at)
						.append('\t')
						.append(at)
						.append('\t')
						.append(perConversation)
						.append('\n');
					for (int s = 1; s <= perConversation; s++) {
						msgs.append(conversation)
							.append('\t')
							.append(s)
							.append("\tm")
							.append(s)
							.append('\t')
							.append((s % 2 == 1) ? "VISITOR" : "STAFF")
							.append('\t')
							.append(sentence(random))
							.append('\t')
							.append(at)
							.append('\t')
							.append(config)
							.append('\n');
					}
				}
				copy.copyIn("copy visitor (id, site_id, customer_id, first_seen_at, last_seen_at) from stdin",
						new StringReader(visitors.toString()));
				copy.copyIn(
						"copy conversation (id, site_id, visitor_id, customer_id, status, started_at, last_activity_at, closed_at, archived_seq) from stdin",
						new StringReader(convs.toString()));
				copy.copyIn(
						"copy message (conversation_id, seq, client_msg_id, sender_kind, body, sent_at, search_config) from stdin",
						new StringReader(msgs.toString()));
			}
			double copySeconds = (System.nanoTime() - started) / 1e9;
			started = System.nanoTime();
			List<Index> built = new ArrayList<>();
			long t0 = System.nanoTime();
			db.createStatement().execute("select porchlight_rebuild_search(array(select id from conversation))");
			built.add(new Index("`conversation_search`: one document per conversation (table)",
					(System.nanoTime() - t0) / 1e9, tableSize(db, "conversation_search")));
			db.createStatement().execute("alter table conversation enable trigger user");
			db.createStatement().execute("alter table message enable trigger user");
			for (Map.Entry<String, String> index : indexes.entrySet()) {
				t0 = System.nanoTime();
				db.createStatement().execute(index.getValue());
				built.add(new Index(index.getKey(), (System.nanoTime() - t0) / 1e9, relationSize(db, index.getKey())));
			}
			db.createStatement().execute("analyze");
			double indexSeconds = (System.nanoTime() - started) / 1e9;
			// Computed during COPY, as the archiver computes them on insert.
			built.add(new Index(
					"`message.search_vector`: stored with each message, computed on insert (in the COPY time)", 0,
					single(db, "select sum(pg_column_size(search_vector)) from message")));
			return new Seeded(messages, conversations, customers, copySeconds, indexSeconds, built);
		}
	}

	private static long tableSize(Connection db, String name) throws SQLException {
		try (PreparedStatement statement = db.prepareStatement("select pg_table_size(cast(? as regclass))")) {
			statement.setString(1, name);
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	private static long single(Connection db, String sql) throws SQLException {
		try (Statement statement = db.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	private static long relationSize(Connection db, String name) throws SQLException {
		try (PreparedStatement statement = db.prepareStatement("select pg_relation_size(cast(? as regclass))")) {
			statement.setString(1, name);
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(1);
			}
		}
	}

	private static int skewed(SplittableRandom random, int n) {
		// Roughly Zipf: low indexes much more often.
		double u = random.nextDouble();
		return Math.min(n - 1, (int) (n * u * u * u));
	}

	static String sentence(SplittableRandom random) {
		String template = TEMPLATES[skewed(random, TEMPLATES.length)];
		return template.replace("%m", MATERIALS[skewed(random, MATERIALS.length)])
			.replace("%p", PRODUCTS[skewed(random, PRODUCTS.length)])
			.replace("%c", PLACES[random.nextInt(PLACES.length)])
			.replace("%n", String.valueOf(5 + random.nextInt(6)))
			.replace("%o", String.valueOf(40000 + random.nextInt(60000)));
	}

	static List<Query> queries() {
		// The core of the product's relevance query: candidates (at most 1,000, newest
		// first for a broad word), ranked by ts_rank.
		String fts = """
				with candidate as (
				  select conversation_id from conversation_search
				   where document @@ websearch_to_tsquery('porchlight_english', ?)
				   order by started_at desc, conversation_id desc limit 1000)
				select cs.conversation_id from candidate c join conversation_search cs using (conversation_id)
				 order by ts_rank(cs.document, websearch_to_tsquery('porchlight_english', ?), 33) desc limit 20
				""";
		String ilike = "select conversation_id from message where body ilike ? limit 20";
		String customers = """
				select id from customer where name_plain % porchlight_unaccent(lower(?))
				 order by similarity(name_plain, porchlight_unaccent(lower(?))) desc limit 20
				""";
		String phones = "select id from customer where reverse(phone_digits) like reverse(?) || '%' and length(?) > 0"
				+ " limit 20";
		return List.of(
				new Query("customer", "/api/v1/search/customers?q=" + enc("Lindqvst"), customers,
						"select id from customer where name ilike ? limit 20", "Lindqvst", "%Lindqvst%"),
				new Query("full-text", "/api/v1/search/conversations?q=" + enc("ankh pendant Tartu"), fts, ilike,
						"ankh pendant Tartu", "%ankh pendant%Tartu%"),
				new Query("broad", "/api/v1/search/conversations?q=" + enc("order"), fts, ilike, "order", "%order%"),
				new Query("phone", "/api/v1/search/customers?q=" + enc("+43 660 1012345"), phones,
						"select id from customer where phone ilike ? limit 20", "436601012345", "%1012345%"),
				new Query("by customer", "/api/v1/search/conversations?q=" + enc("Lindqvist"), fts, ilike, "Lindqvist",
						"%Lindqvist%"),
				new Query("order number", "/api/v1/search/conversations?q=" + enc("48213"), fts, ilike, "48213",
						"%48213%"),
				// What every signed-in request costs without any search: session,
				// security, JSON.
				new Query("no search (/me)", "/api/v1/me", "select ?", "select ?", "1", "1"),
				new Query("full-text matches alone (SQL, no node)", null, MATCHES_ALONE, "select ?",
						"ankh pendant Tartu", "1"));
	}

	private static String enc(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

	/**
	 * Searches through the REST API for a while, as {@code searching} says, with chat
	 * running meanwhile if {@code chat} is given; then the same queries run as SQL, with
	 * the index and with ILIKE, for the baseline ratio.
	 */
	static Figures measure(int port, String jdbcUrl, Searching searching, Duration duration, Seeded seeded,
			java.util.function.Supplier<LoadGenerator.Result> chat) throws Exception {
		List<Query> queries = queries();
		Map<String, Histogram> api = new LinkedHashMap<>();
		queries.forEach((query) -> api.put(query.kind(), new Histogram(60_000_000L, 3)));
		Api owner = new Api(port);
		owner.signIn(Node.OWNER_EMAIL, Node.OWNER_PASSWORD);
		try (Direct direct = new Direct(jdbcUrl, searching.searchers() + 8)) {
			return measure(owner, direct, jdbcUrl, searching, duration, seeded, chat, queries, api);
		}
	}

	private static Figures measure(Api owner, Direct direct, String jdbcUrl, Searching searching, Duration duration,
			Seeded seeded, java.util.function.Supplier<LoadGenerator.Result> chat, List<Query> queries,
			Map<String, Histogram> api) throws Exception {
		// Warm up for 10 s, every query at least 5 times: a shop's node runs for days,
		// so measured searches should not pay for class loading, JIT compilation and
		// cold caches.
		long warm = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		for (int round = 0; round < 5 || System.nanoTime() < warm; round++) {
			for (Query query : queries) {
				execute(owner, direct, query);
			}
		}
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			db.createStatement().execute("select pg_stat_statements_reset()");
		}
		ExecutorService pool = Executors.newFixedThreadPool(searching.searchers() + 1);
		Future<LoadGenerator.Result> load = (chat != null) ? pool.submit(chat::get) : null;
		long end = System.nanoTime() + duration.toNanos();
		if (searching.perSecond() > 0) {
			paced(owner, direct, queries, api, searching.perSecond(), end);
		}
		List<Future<?>> workers = new ArrayList<>();
		for (int s = 0; s < searching.searchers(); s++) {
			int offset = s;
			workers.add(pool.submit(() -> {
				int k = offset;
				while (System.nanoTime() < end) {
					Query query = queries.get(k++ % queries.size());
					long t0 = System.nanoTime();
					execute(owner, direct, query);
					record(api.get(query.kind()), (System.nanoTime() - t0) / 1000);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		LoadGenerator.Result chatResult = (load != null) ? load.get() : null;
		pool.shutdown();
		Map<String, Histogram> fts = new LinkedHashMap<>();
		Map<String, Histogram> ilike = new LinkedHashMap<>();
		List<StatementTime> statements = new ArrayList<>();
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			try (Statement read = db.createStatement(); ResultSet rows = read.executeQuery(STATEMENTS)) {
				while (rows.next()) {
					statements.add(new StatementTime(rows.getString(1).substring(2), rows.getLong(2), rows.getDouble(3),
							rows.getDouble(4)));
				}
			}
			db.createStatement().execute("set pg_trgm.similarity_threshold = 0.3");
			// As the product runs its searches.
			db.createStatement().execute("set plan_cache_mode = force_custom_plan");
			for (Query query : queries) {
				fts.put(query.kind(), time(db, query.ftsSql(), query.param(), 20));
				ilike.put(query.kind(), time(db, query.ilikeSql(), query.ilikeParam(), 5));
			}
		}
		return new Figures(seeded, api, fts, ilike, searching, chatResult, statements);
	}

	/**
	 * An open loop: the next query is due every {@code 1 / perSecond} seconds and starts
	 * on its own virtual thread then, answered or not; its latency counts from when it
	 * was due. Waits (at most a minute) for the last ones to be answered.
	 */
	private static void paced(Api owner, Direct direct, List<Query> queries, Map<String, Histogram> api,
			double perSecond, long end) throws InterruptedException {
		long interval = (long) (1e9 / perSecond);
		long start = System.nanoTime();
		try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0;; i++) {
				long due = start + i * interval;
				if (due >= end) {
					break;
				}
				long wait = due - System.nanoTime();
				if (wait > 0) {
					Thread.sleep(Duration.ofNanos(wait));
				}
				Query query = queries.get(i % queries.size());
				requests.submit(() -> {
					execute(owner, direct, query);
					record(api.get(query.kind()), (System.nanoTime() - due) / 1000);
					return null;
				});
			}
			requests.shutdown();
			if (!requests.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
				throw new IllegalStateException("Searches still unanswered a minute after the last was due");
			}
		}
	}

	private static void record(Histogram histogram, long micros) {
		synchronized (histogram) {
			histogram.recordValue(micros);
		}
	}

	private static Histogram time(Connection db, String sql, String param, int runs) throws SQLException {
		Histogram histogram = new Histogram(600_000_000L, 3);
		try (PreparedStatement statement = db.prepareStatement(sql)) {
			int params = statement.getParameterMetaData().getParameterCount();
			for (int i = 1; i <= params; i++) {
				statement.setString(i, param);
			}
			for (int run = 0; run < runs + 1; run++) {
				long t0 = System.nanoTime();
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						rows.getObject(1);
					}
				}
				if (run > 0) {
					histogram.recordValue((System.nanoTime() - t0) / 1000);
				}
			}
		}
		return histogram;
	}

}
