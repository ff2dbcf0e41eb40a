package dev.porchlight.bench;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Issue 23, acceptance 2: the insights page over a year of history and 1,000,000
 * messages. The archive is seeded with {@code COPY} (shop-chat sentences of scenario 4
 * plus a long tail of rare words, so that terms are as many as in real text, and a
 * request planted to grow over the year); then every conversation is counted again by the
 * product's own job on the node ({@code porchlight_insights_rebuild()}), measuring how
 * long it takes and what it costs per archived message; then several clients load the
 * page (its three calls at once, as the dashboard does) for 30 and 365 days.
 */
final class InsightPage {

	static final String HEADING = "## Insights: the page at 1,000,000 messages";

	/** The request planted to grow over the year. */
	static final String PLANTED = "engraving kit";

	private static final int PER_CONVERSATION = 10;

	private static final int TAIL_WORDS = 6000;

	private static final String[] PAGES = { "/", "/rings", "/necklaces", "/pendants", "/sale", "/gifts", "/shipping",
			"/returns", "/custom", "/contact", "/bracelets", "/earrings" };

	private static final String[] REFERRERS = { "www.google.com", "www.instagram.com", "www.pinterest.com",
			"duckduckgo.com", "www.facebook.com", "news.example" };

	record Seeded(long messages, long conversations, long customers, double seconds) {
	}

	/**
	 * The count of the whole archive by the node's job.
	 *
	 * @param seconds from the rebuild to nothing waiting
	 * @param nodeCpu the node's CPU seconds meanwhile
	 * @param postgresCpu PostgreSQL's CPU seconds meanwhile
	 * @param terms rows of {@code insight_term} (conversation and term)
	 * @param termDays rows of {@code insight_term_day}
	 * @param mebibytes the insight tables with their indexes
	 */
	record Counted(double seconds, double nodeCpu, double postgresCpu, long terms, long termDays, double mebibytes) {
	}

	/**
	 * Page loads for one period.
	 *
	 * @param days the period
	 * @param first milliseconds of the first load, which computes the page (then kept)
	 * @param pages page loads (three calls each)
	 * @param p50 milliseconds
	 * @param p95 milliseconds
	 * @param max milliseconds
	 * @param failed calls that did not answer 200
	 */
	record Load(int days, double first, long pages, double p50, double p95, double max, long failed) {
	}

	record Result(Seeded seeded, Counted counted, List<Load> loads, int clients, List<String> rising, String planted,
			double seconds) {
	}

	private InsightPage() {
	}

	static Result run(Api owner, Node node, String jdbcUrl, Path postgresDir, int messages, int clients,
			Duration duration) throws Exception {
		long started = System.nanoTime();
		var site = owner.postJson("/api/v1/sites",
				java.util.Map.of("name", "Insights shop", "allowedOrigins", List.of()), java.util.Map.of());
		UUID siteId = UUID.fromString(site.path("id").asString());
		UUID staff = UUID.fromString(owner.getJson("/api/v1/me").path("id").asString());
		Bench.log("Seeding " + messages + " messages over a year by COPY");
		Seeded seeded = seed(jdbcUrl, siteId, staff, messages);
		Bench.log(String.format(Locale.ROOT, "Seeded %d conversations in %.1f s", seeded.conversations(),
				seeded.seconds()));
		Counted counted = count(node, jdbcUrl, postgresDir);
		Bench.log(String.format(Locale.ROOT, "Counted in %.1f s: node %.1f CPU-s, PostgreSQL %.1f CPU-s",
				counted.seconds(), counted.nodeCpu(), counted.postgresCpu()));
		List<Load> loads = new ArrayList<>();
		for (int days : new int[] { 30, 365 }) {
			loads.add(load(node.port, owner, siteId, days, clients, duration));
			Load load = loads.getLast();
			Bench.log(String.format(Locale.ROOT,
					"%d days: first %.0f ms, then %d pages, p50 %.1f ms, p95 %.1f ms, max %.1f ms", days, load.first(),
					load.pages(), load.p50(), load.p95(), load.max()));
		}
		List<String> rising = new ArrayList<>();
		String planted = "not in the list";
		JsonNode list = owner.getJson("/api/v1/insights/asks?site=" + siteId + "&days=30").path("rising");
		for (int i = 0; i < list.size(); i++) {
			JsonNode term = list.get(i);
			String line = String.format(Locale.ROOT, "*%s* (%d conversations, %d the 30 days before)",
					term.path("label").asString(), term.path("conversations").asInt(),
					term.path("previousConversations").asInt());
			if (i < 5) {
				rising.add(line);
			}
			if (term.path("label").asString().equals(PLANTED)) {
				planted = "number " + (i + 1) + ": " + line;
			}
		}
		return new Result(seeded, counted, loads, clients, rising, planted, (System.nanoTime() - started) / 1e9);
	}

	static Seeded seed(String jdbcUrl, UUID site, UUID staff, int messages) throws Exception {
		long started = System.nanoTime();
		int conversations = messages / PER_CONVERSATION;
		int customers = Math.max(100, conversations / 5);
		SplittableRandom random = new SplittableRandom(23);
		String[] tail = tail(random);
		Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		Instant start = end.minus(Duration.ofDays(365));
		long spacing = Duration.ofDays(365).toSeconds() / conversations;
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			var copy = db.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
			String config;
			try (PreparedStatement statement = db
				.prepareStatement("select cast(search_config as text) from site where id = ?")) {
				statement.setObject(1, site);
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					config = row.getString(1);
				}
			}
			// The rows are loaded as the archive holds them; the triggers that keep
			// search documents and mark conversations for counting are off for the load
			// (the count below marks every conversation itself).
			try (Statement statement = db.createStatement()) {
				statement.execute("alter table conversation disable trigger user");
				statement.execute("alter table message disable trigger user");
			}
			UUID[] customerIds = new UUID[customers];
			StringBuilder rows = new StringBuilder();
			for (int i = 0; i < customers; i++) {
				customerIds[i] = new UUID(random.nextLong(), random.nextLong());
				rows.append(customerIds[i])
					.append('\t')
					.append(Search.FIRST[random.nextInt(Search.FIRST.length)])
					.append(' ')
					.append(Search.LAST[random.nextInt(Search.LAST.length)])
					.append(' ')
					.append(i)
					.append("\tinsights")
					.append(i)
					.append("@mail.example\t")
					.append(start)
					.append('\t')
					.append(start)
					.append('\t')
					.append(start)
					.append('\t')
					.append(start)
					.append('\n');
			}
			copy.copyIn(
					"copy customer (id, name, email, first_seen_at, last_seen_at, created_at, updated_at) from stdin",
					new StringReader(rows.toString()));
			int chunk = 10_000;
			for (int from = 0; from < conversations; from += chunk) {
				StringBuilder visitors = new StringBuilder();
				StringBuilder convs = new StringBuilder();
				StringBuilder msgs = new StringBuilder();
				for (int c = from; c < Math.min(conversations, from + chunk); c++) {
					UUID visitor = new UUID(random.nextLong(), random.nextLong());
					UUID conversation = new UUID(random.nextLong(), random.nextLong());
					// Some customers come back often, most once or twice.
					UUID customer = (random.nextInt(10) < 8) ? customerIds[skewed(random, customers)] : null;
					Instant at = start.plusSeconds(c * spacing + random.nextLong(Math.max(1, spacing)));
					double yearShare = (double) c / conversations;
					Instant t = at;
					for (int s = 1; s <= PER_CONVERSATION; s++) {
						boolean fromCustomer = s % 2 == 1;
						String body = fromCustomer ? customerSays(random, tail, s == 1, yearShare)
								: Search.sentence(random);
						msgs.append(conversation)
							.append('\t')
							.append(s)
							.append("\tm")
							.append(s)
							.append('\t')
							.append(fromCustomer ? "VISITOR\t\\N" : "STAFF\t" + staff)
							.append('\t')
							.append(body)
							.append('\t')
							.append(t)
							.append('\t')
							.append(config)
							.append('\n');
						// Replies take from half a minute to about an hour; customers
						// answer within a few minutes.
						t = t.plusSeconds(fromCustomer ? 30 + (long) (3600 * Math.pow(random.nextDouble(), 4))
								: 20 + random.nextInt(300));
					}
					Instant closed = t.plusSeconds(300);
					String referrer = (random.nextInt(3) == 0) ? ""
							: ",\"referrer\":\"https://" + REFERRERS[skewed(random, REFERRERS.length)] + "/\"";
					visitors.append(visitor)
						.append('\t')
						.append(site)
						.append('\t')
						.append((customer != null) ? customer.toString() : "\\N")
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
						.append((customer != null) ? customer.toString() : "\\N")
						.append('\t')
						.append(staff)
						.append("\tCLOSED\t{\"url\":\"https://shop.example")
						.append(PAGES[skewed(random, PAGES.length)])
						.append('"')
						.append(referrer)
						.append("}\t")
						.append(at)
						.append('\t')
						.append(closed)
						.append('\t')
						.append(closed)
						.append('\t')
						.append(PER_CONVERSATION)
						.append('\n');
				}
				copy.copyIn("copy visitor (id, site_id, customer_id, first_seen_at, last_seen_at) from stdin",
						new StringReader(visitors.toString()));
				copy.copyIn(
						"copy conversation (id, site_id, visitor_id, customer_id, assignee_id, status, context, "
								+ "started_at, last_activity_at, closed_at, archived_seq) from stdin",
						new StringReader(convs.toString()));
				copy.copyIn("copy message (conversation_id, seq, client_msg_id, sender_kind, author_id, body, sent_at, "
						+ "search_config) from stdin", new StringReader(msgs.toString()));
			}
			try (Statement statement = db.createStatement()) {
				statement.execute("alter table conversation enable trigger user");
				statement.execute("alter table message enable trigger user");
				statement.execute("analyze");
			}
		}
		return new Seeded((long) conversations * PER_CONVERSATION, conversations, customers,
				(System.nanoTime() - started) / 1e9);
	}

	/**
	 * What a customer writes: the shop sentences of scenario 4, often with a few rare
	 * words (a long tail of thousands of words, Zipf-distributed, as real text has), and
	 * in the first message, more and more often over the year, the planted request.
	 */
	private static String customerSays(SplittableRandom random, String[] tail, boolean first, double yearShare) {
		StringBuilder text = new StringBuilder(Search.sentence(random));
		if (random.nextInt(2) == 0) {
			text.append(" Also thinking of ")
				.append(tail[skewed(random, tail.length)])
				.append(' ')
				.append(tail[skewed(random, tail.length)])
				.append(' ')
				.append(tail[random.nextInt(tail.length)])
				.append('.');
		}
		if (first && random.nextDouble() < 0.002 + 0.06 * yearShare * yearShare * yearShare) {
			text.append(" Do you sell an ").append(PLANTED).append(" too?");
		}
		return text.toString();
	}

	/** Pronounceable made-up words, so that none is an English stop word. */
	private static String[] tail(SplittableRandom random) {
		String consonants = "bcdfgklmnprstvz";
		String vowels = "aeiou";
		String[] words = new String[TAIL_WORDS];
		for (int i = 0; i < words.length; i++) {
			StringBuilder word = new StringBuilder();
			int syllables = 2 + random.nextInt(2);
			for (int s = 0; s < syllables; s++) {
				word.append(consonants.charAt(random.nextInt(consonants.length())))
					.append(vowels.charAt(random.nextInt(vowels.length())));
			}
			word.append(consonants.charAt(random.nextInt(consonants.length())));
			words[i] = word.toString();
		}
		return words;
	}

	private static int skewed(SplittableRandom random, int n) {
		double u = random.nextDouble();
		return Math.min(n - 1, (int) (n * u * u * u));
	}

	/**
	 * Marks every conversation with the product's rebuild and waits until the node's
	 * scheduled job has counted them all (at most 60 minutes).
	 */
	static Counted count(Node node, String jdbcUrl, Path postgresDir) throws Exception {
		double nodeBefore = node.cpuSeconds();
		double postgresBefore = Machine.postgresCpuSeconds(postgresDir);
		long started = System.nanoTime();
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
				Statement statement = db.createStatement()) {
			statement.execute("select porchlight_insights_rebuild()");
			long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
			long waiting;
			do {
				LoadGenerator.sleep(Duration.ofSeconds(1));
				try (ResultSet row = statement.executeQuery("select count(*) from insight_pending")) {
					row.next();
					waiting = row.getLong(1);
				}
			}
			while (waiting > 0 && System.nanoTime() < deadline);
			if (waiting > 0) {
				throw new IllegalStateException(waiting + " conversations still not counted after 60 minutes");
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			double nodeCpu = node.cpuSeconds() - nodeBefore;
			double postgresCpu = Machine.postgresCpuSeconds(postgresDir) - postgresBefore;
			long terms = single(statement, "select count(*) from insight_term");
			long termDays = single(statement, "select count(*) from insight_term_day");
			long bytes = single(statement, """
					select sum(pg_total_relation_size(t)) from unnest(array['insight_term', 'insight_term_day',
					    'insight_conversation', 'insight_pending']::regclass[]) t""");
			statement.execute("analyze");
			return new Counted(seconds, nodeCpu, postgresCpu, terms, termDays, bytes / 1048576.0);
		}
	}

	private static long single(Statement statement, String sql) throws Exception {
		try (ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	/**
	 * Clients each loading the page again and again for the duration: its three calls at
	 * once, the page's time the slowest of them. One warm-up load each first.
	 */
	static Load load(int port, Api signedIn, UUID site, int days, int clients, Duration duration) throws Exception {
		String query = "?site=" + site + "&days=" + days;
		List<String> calls = List.of("/api/v1/insights/asks" + query, "/api/v1/insights/people" + query,
				"/api/v1/insights/answers" + query);
		Histogram histogram = new Histogram(60_000_000_000L, 3);
		long[] failed = new long[1];
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		double first;
		try {
			long cold = System.nanoTime();
			pageOnce(signedIn, calls, pool, failed);
			first = (System.nanoTime() - cold) / 1e6;
			List<Future<?>> workers = new ArrayList<>();
			long deadline = System.nanoTime() + duration.toNanos();
			for (int c = 0; c < clients; c++) {
				workers.add(pool.submit(() -> {
					pageOnce(signedIn, calls, pool, failed);
					while (System.nanoTime() < deadline) {
						long t0 = System.nanoTime();
						pageOnce(signedIn, calls, pool, failed);
						synchronized (histogram) {
							histogram.recordValue(System.nanoTime() - t0);
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdown();
		}
		return new Load(days, first, histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e6,
				histogram.getValueAtPercentile(95) / 1e6, histogram.getMaxValue() / 1e6, failed[0]);
	}

	private static void pageOnce(Api api, List<String> calls, ExecutorService pool, long[] failed) {
		List<CompletableFuture<HttpResponse<String>>> answers = calls.stream()
			.map((call) -> CompletableFuture.supplyAsync(() -> api.get(call), pool))
			.toList();
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			if (answer.join().statusCode() != 200) {
				synchronized (failed) {
					failed[0]++;
				}
			}
		}
	}

	static String section(Result r, String command, String postgresVersion) {
		StringBuilder md = new StringBuilder(HEADING).append("\n\n");
		md.append(String.format(Locale.ROOT,
				"Reproduce with `%s` (%.0f s). Machine: %d cores, %s, %s; %s %s; PostgreSQL %s (embedded). One node "
						+ "(`java -Xms1g -Xmx1g -jar porchlight.jar`, default insight settings: a look every 15 s, "
						+ "batches of 100 conversations, 10 s per look).\n\n",
				command, r.seconds(), Runtime.getRuntime().availableProcessors(), Machine.cpu(), Machine.memory(),
				System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), postgresVersion));
		md.append(String.format(Locale.ROOT,
				"**Corpus.** %,d messages in %,d conversations of %d messages (customer and staff in turn) over the "
						+ "365 days up to the run, %,d customers (some return often, a fifth of conversations "
						+ "anonymous), loaded with `COPY` in %.1f s. Customers write the shop sentences of scenario 4, "
						+ "half of them followed by three words of a made-up vocabulary of %,d (Zipf-distributed, so "
						+ "terms have a long tail as real text does); the first message asks for an *%s* with a "
						+ "probability growing from 0.2%% to 6.2%% over the year. Staff replies take 30 s to an hour.\n\n",
				r.seeded().messages(), r.seeded().conversations(), PER_CONVERSATION, r.seeded().customers(),
				r.seeded().seconds(), TAIL_WORDS, PLANTED));
		Counted c = r.counted();
		double perMessage = 1e6 / r.seeded().messages();
		md.append("**Counting everything** (`porchlight_insights_rebuild()`, then the node's scheduled job until "
				+ "nothing waits): what the archive pays per message for insights.\n\n");
		md.append("| figure | measured |\n| --- | --- |\n");
		md.append(String.format(Locale.ROOT, "| time to count the whole archive | %.1f s (%,.0f messages/s) |%n",
				c.seconds(), r.seeded().messages() / c.seconds()));
		md.append(String.format(Locale.ROOT, "| PostgreSQL CPU per archived message | %.0f µs |%n",
				c.postgresCpu() * perMessage));
		md.append(
				String.format(Locale.ROOT, "| node CPU per archived message | %.0f µs |%n", c.nodeCpu() * perMessage));
		md.append(String.format(Locale.ROOT,
				"| rows: conversation × term / site × day × term | %,d / %,d |%n| insight tables with indexes | %.0f MiB |%n%n",
				c.terms(), c.termDays(), c.mebibytes()));
		md.append(String.format(Locale.ROOT,
				"**The page**: %d clients each loading it again and again for the duration (its three calls, "
						+ "`asks`, `people` and `answers`, at once as the dashboard makes them; a page's time is the "
						+ "slowest of the three), on an otherwise idle node. The first load of a period computes "
						+ "the page, which is then kept (docs/insights.md) and refreshed by the job.%n%n",
				r.clients()));
		md.append("| period | first load (computes the page) | page loads after it | p50 | p95 | max | failed calls "
				+ "| goal | |\n");
		md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (Load load : r.loads()) {
			md.append(String.format(Locale.ROOT,
					"| %d days | %.0f ms | %d | %.1f ms | %.1f ms | %.1f ms | %d | p95 ≤ 200 ms | %s |%n", load.days(),
					load.first(), load.pages(), load.p50(), load.p95(), load.max(), load.failed(),
					(load.p95() <= 200 && load.failed() == 0) ? "met" : "**not met**"));
		}
		md.append(String.format(Locale.ROOT,
				"%nRising in the last 30 days (largest growth first): %s. The planted request *%s*: %s.%n%n",
				String.join("; ", r.rising()), PLANTED, r.planted()));
		return md.toString();
	}

}
