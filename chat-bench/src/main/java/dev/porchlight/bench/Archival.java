package dev.porchlight.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.porchlight.persistence.conversation.BenchAppends;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 3: archival into PostgreSQL. Messages are appended to Redis with the product's
 * own append step ({@link BenchAppends}) at a fixed rate, round-robin over the run's
 * conversations, so the archiver (running in the Porchlight nodes, as in production) is
 * fed faster than one machine's WebSocket path could. Lag is the nodes' own measure, from
 * an entry's write to Redis to the commit that holds it (see {@link #lag}).
 */
final class Archival {

	record Conversation(UUID id, UUID visitor) {
	}

	/**
	 * What one run measured.
	 *
	 * @param conversations the conversations appended to
	 * @param fresh whether each append was a new conversation's first message
	 * @param cpuSeconds CPU seconds per process (nodes, Redis, PostgreSQL, this
	 * generator) during the appends and the drain
	 * @param statements PostgreSQL statements executed (pg_stat_statements)
	 * @param commits PostgreSQL transactions committed
	 * @param archiveBatches archive transactions the nodes reported
	 * @param rowsInserted rows inserted into PostgreSQL
	 */
	record Figures(int conversations, boolean fresh, double targetRate, double appendedRate, double archivedRate,
			long appended, long archived, Histogram lagMs, Histogram appendUs, double drainSeconds, long failedAppends,
			double seconds, Map<String, Double> cpuSeconds, long statements, long commits, long archiveBatches,
			long rowsInserted) {

		double perSecond(long count) {
			return count / Math.max(this.seconds, 1e-9);
		}

	}

	/**
	 * Counters read before and after a run.
	 *
	 * @param lagBuckets the nodes' archive lag histogram: cumulative counts by upper
	 * bound in seconds, summed over the nodes
	 */
	record Counters(Map<String, Double> cpuSeconds, long statements, long commits, long archiveBatches,
			long rowsInserted, Map<Double, Double> lagBuckets) {
	}

	/** The longest append latency recorded (µs): later ones count as this. */
	static final long APPEND_RANGE_US = 600_000_000L;

	/** The longest lag recorded (ms). */
	static final long LAG_RANGE_MS = 600_000L;

	private Archival() {
	}

	/**
	 * Appends at the rate over existing conversations, round-robin.
	 */
	static Figures run(BenchAppends appends, String jdbcUrl, UUID site, List<Conversation> conversations, double rate,
			Duration duration, Supplier<Counters> counters) throws Exception {
		return run(appends, jdbcUrl, site, conversations.size(), false,
				(i) -> conversations.get(i % conversations.size()), rate, duration, counters);
	}

	/**
	 * Appends at the rate, each the first message of a conversation started just before
	 * it (the product's start step, then its append step): a shop whose conversations are
	 * many and short, where the archive writes every conversation's row with its first
	 * message. Their visitors are added to PostgreSQL before the clock starts.
	 */
	static Figures runNewConversations(BenchAppends appends, String jdbcUrl, UUID site, double rate, Duration duration,
			Supplier<Counters> counters) throws Exception {
		int total = (int) (rate * duration.toSeconds());
		UUID[] visitors = visitors(jdbcUrl, site, total);
		return run(appends, jdbcUrl, site, total, true,
				(i) -> new Conversation(appends.start(site, visitors[i]), visitors[i]), rate, duration, counters);
	}

	/** The conversation the i-th append goes to. */
	interface Target {

		Conversation conversation(int i);

	}

	private static Figures run(BenchAppends appends, String jdbcUrl, UUID site, int conversationCount, boolean fresh,
			Target target, double rate, Duration duration, Supplier<Counters> counters) throws Exception {
		int total = (int) (rate * duration.toSeconds());
		Recorder appendLatency = new Recorder(APPEND_RANGE_US, 3);
		AtomicLong failed = new AtomicLong();
		// Why appends failed, so a run that could not feed the archiver says so.
		Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
		AtomicLong done = new AtomicLong();
		Semaphore inFlight = new Semaphore(256);
		long period = (long) (1e9 / rate);
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		Counters before = counters.get();
		long archivedBefore = archivedSum(jdbcUrl, site);
		long start = System.nanoTime() + 20_000_000L;
		for (int i = 0; i < total; i++) {
			long due = start + i * period;
			long now;
			while ((now = System.nanoTime()) < due) {
				LockSupport.parkNanos(due - now);
			}
			int n = i;
			String clientId = "r" + i;
			String body = LoadGenerator.phrase(i);
			inFlight.acquire();
			pool.submit(() -> {
				try {
					Conversation conversation = target.conversation(n);
					appends.append(conversation.id(), conversation.visitor(), clientId, body);
					done.incrementAndGet();
					// From when it was due: a generator that falls behind shows here.
					appendLatency.recordValue(Math.min(APPEND_RANGE_US, Math.max(0, (System.nanoTime() - due) / 1000)));
				}
				catch (RuntimeException ex) {
					failed.incrementAndGet();
					Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
					failures.computeIfAbsent(cause.getClass().getSimpleName(), (key) -> new AtomicLong())
						.incrementAndGet();
				}
				finally {
					inFlight.release();
				}
			});
		}
		inFlight.acquire(256);
		inFlight.release(256);
		long appendEnded = System.nanoTime();
		failures.forEach(
				(reason, count) -> System.out.printf("Archival: %,d appends failed with %s%n", count.get(), reason));
		// Drained when the archive holds every appended entry: the conversations are new
		// and only these appends write to them, so their archived sequences add up to
		// the number archived.
		long deadline = appendEnded + 120_000_000_000L;
		long archived = archivedSum(jdbcUrl, site) - archivedBefore;
		while (archived < done.get() && System.nanoTime() < deadline) {
			LoadGenerator.sleep(Duration.ofMillis(100));
			archived = archivedSum(jdbcUrl, site) - archivedBefore;
		}
		long drained = System.nanoTime();
		Counters after = counters.get();
		pool.shutdown();
		double sendSeconds = (appendEnded - start) / 1e9;
		double seconds = (drained - start) / 1e9;
		Map<String, Double> cpu = new java.util.LinkedHashMap<>();
		after.cpuSeconds()
			.forEach((process, used) -> cpu.put(process, used - before.cpuSeconds().getOrDefault(process, 0.0)));
		return new Figures(conversationCount, fresh, rate, done.get() / sendSeconds, archived / seconds, done.get(),
				archived, lag(before.lagBuckets(), after.lagBuckets()), appendLatency.getIntervalHistogram(),
				(drained - appendEnded) / 1e9, failed.get(), seconds, cpu, after.statements() - before.statements(),
				after.commits() - before.commits(), after.archiveBatches() - before.archiveBatches(),
				after.rowsInserted() - before.rowsInserted());
	}

	/**
	 * The archive lag of this run, from the nodes' own histogram
	 * ({@code porchlight_archive_lag_seconds}: from an entry's write to Redis to the
	 * commit that holds it), as the difference of its cumulative buckets before and
	 * after. Each entry counts at its bucket's upper bound, so percentiles are at most
	 * one bucket high. Read from the nodes rather than by polling PostgreSQL per
	 * conversation: a poll of 100,000 conversations every 100 ms cost the database more
	 * than the archiver did.
	 */
	static Histogram lag(Map<Double, Double> before, Map<Double, Double> after) {
		Histogram lag = new Histogram(LAG_RANGE_MS, 3);
		double below = 0;
		for (Map.Entry<Double, Double> bucket : new java.util.TreeMap<>(after).entrySet()) {
			double cumulative = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
			long count = Math.round(cumulative - below);
			below = cumulative;
			if (count > 0) {
				long upperMs = Double.isInfinite(bucket.getKey()) ? LAG_RANGE_MS
						: Math.min(LAG_RANGE_MS, (long) Math.ceil(bucket.getKey() * 1000));
				lag.recordValueWithCount(upperMs, count);
			}
		}
		return lag;
	}

	private static long archivedSum(String jdbcUrl, UUID site) throws SQLException {
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
				PreparedStatement query = db
					.prepareStatement("select coalesce(sum(archived_seq), 0) from conversation where site_id = ?")) {
			query.setObject(1, site);
			try (ResultSet rows = query.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	/**
	 * New visitors of a site, in PostgreSQL (the product adds a visitor with its token).
	 */
	private static UUID[] visitors(String jdbcUrl, UUID site, int count) throws SQLException {
		UUID[] visitors = new UUID[count];
		for (int i = 0; i < count; i++) {
			visitors[i] = UUID.randomUUID();
		}
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
				PreparedStatement insert = db.prepareStatement(
						"insert into visitor (id, site_id, first_seen_at, last_seen_at) select v, ?, now(), now() from unnest(?) as v")) {
			insert.setObject(1, site);
			insert.setArray(2, db.createArrayOf("uuid", visitors));
			insert.execute();
		}
		return visitors;
	}

	/**
	 * New conversations of a site, made as a node makes them (the product's start step in
	 * Redis, their visitors in PostgreSQL), and waited for until the archive has every
	 * one of them.
	 */
	static List<Conversation> conversations(BenchAppends appends, String jdbcUrl, UUID site, int count)
			throws Exception {
		List<Conversation> conversations = new ArrayList<>(count);
		UUID[] visitors = visitors(jdbcUrl, site, count);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			Semaphore inFlight = new Semaphore(64);
			List<Future<UUID>> started = new ArrayList<>(count);
			for (UUID visitor : visitors) {
				inFlight.acquire();
				started.add(pool.submit(() -> {
					try {
						return appends.start(site, visitor);
					}
					finally {
						inFlight.release();
					}
				}));
			}
			for (int i = 0; i < count; i++) {
				conversations.add(new Conversation(started.get(i).get(), visitors[i]));
			}
		}
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			PreparedStatement query = db.prepareStatement("select count(*) from conversation where site_id = ?");
			query.setObject(1, site);
			long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			while (System.nanoTime() < deadline) {
				try (ResultSet rows = query.executeQuery()) {
					rows.next();
					if (rows.getLong(1) >= count) {
						return conversations;
					}
				}
				LoadGenerator.sleep(Duration.ofMillis(200));
			}
		}
		throw new IllegalStateException("The archive did not learn of " + count + " new conversations in 5 minutes");
	}

}
