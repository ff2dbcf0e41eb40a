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
 * fed faster than one machine's WebSocket path could. Lag is measured from the start of
 * an append call to the moment a poll of {@code conversation.archived_seq} (every 100 ms,
 * only of conversations with appends not yet seen archived) sees it committed.
 */
final class Archival {

	record Conversation(UUID id, UUID visitor) {
	}

	/**
	 * What one run measured.
	 *
	 * @param cpuSeconds CPU seconds per process (nodes, Redis, PostgreSQL, this
	 * generator) during the appends and the drain
	 * @param statements PostgreSQL statements executed (pg_stat_statements)
	 * @param commits PostgreSQL transactions committed
	 * @param archiveBatches archive transactions the nodes reported
	 * @param rowsInserted rows inserted into PostgreSQL
	 */
	record Figures(int conversations, double targetRate, double appendedRate, double archivedRate, long appended,
			long archived, Histogram lagMs, Histogram appendUs, double drainSeconds, long failedAppends, double seconds,
			Map<String, Double> cpuSeconds, long statements, long commits, long archiveBatches, long rowsInserted) {

		double perSecond(long count) {
			return count / Math.max(this.seconds, 1e-9);
		}

	}

	/** Counters read before and after a run. */
	record Counters(Map<String, Double> cpuSeconds, long statements, long commits, long archiveBatches,
			long rowsInserted) {
	}

	private Archival() {
	}

	static Figures run(BenchAppends appends, String jdbcUrl, List<Conversation> conversations, double rate,
			Duration duration, Supplier<Counters> counters) throws Exception {
		int total = (int) (rate * duration.toSeconds());
		int perConversation = total / conversations.size() + 2;
		Map<UUID, Integer> index = new ConcurrentHashMap<>();
		// Per conversation: when each of its sequences was written (nanoTime), by seq.
		// Conversations are new: their sequences start at 1.
		AtomicLongArray[] writtenAt = new AtomicLongArray[conversations.size()];
		long[] seen = new long[conversations.size()];
		for (int i = 0; i < conversations.size(); i++) {
			index.put(conversations.get(i).id(), i);
			writtenAt[i] = new AtomicLongArray(perConversation + 16);
		}
		Set<UUID> outstanding = ConcurrentHashMap.newKeySet();
		Recorder appendLatency = new Recorder(60_000_000L, 3);
		Recorder lag = new Recorder(600_000L, 3);
		AtomicLong failed = new AtomicLong();
		AtomicLong done = new AtomicLong();
		AtomicLong archived = new AtomicLong();
		Semaphore inFlight = new Semaphore(256);
		long period = (long) (1e9 / rate);
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		Counters before = counters.get();
		long start = System.nanoTime() + 20_000_000L;
		Thread poller = Thread.ofPlatform().name("archive-poller").start(() -> {
			try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
				PreparedStatement query = db
					.prepareStatement("select id, archived_seq from conversation where id = any(?)");
				while (!Thread.currentThread().isInterrupted()) {
					List<UUID> asked = new ArrayList<>(outstanding);
					outstanding.removeAll(asked);
					long now = System.nanoTime();
					query.setArray(1, db.createArrayOf("uuid", asked.toArray()));
					try (ResultSet rows = query.executeQuery()) {
						while (rows.next()) {
							int i = index.get(rows.getObject(1, UUID.class));
							long upTo = rows.getLong(2);
							AtomicLongArray times = writtenAt[i];
							long counted = seen[i];
							for (long seq = seen[i] + 1; seq <= upTo && seq < times.length(); seq++) {
								// Its append has not returned yet: count it at a later
								// poll.
								if (times.get((int) seq) == 0) {
									break;
								}
								lag.recordValue(
										Math.min(600_000L, Math.max(0, (now - times.get((int) seq)) / 1_000_000)));
								archived.incrementAndGet();
								counted = seq;
							}
							seen[i] = counted;
						}
					}
					// Asked again at the next poll while appends wait to be seen
					// archived.
					for (UUID id : asked) {
						int i = index.get(id);
						if (seen[i] + 1 < writtenAt[i].length() && writtenAt[i].get((int) seen[i] + 1) != 0) {
							outstanding.add(id);
						}
					}
					LockSupport.parkNanos(100_000_000L);
				}
			}
			catch (SQLException ex) {
				if (!Thread.currentThread().isInterrupted()) {
					throw new IllegalStateException(ex);
				}
			}
		});
		for (int i = 0; i < total; i++) {
			long due = start + i * period;
			long now;
			while ((now = System.nanoTime()) < due) {
				LockSupport.parkNanos(due - now);
			}
			Conversation conversation = conversations.get(i % conversations.size());
			int c = index.get(conversation.id());
			String clientId = "r" + i;
			String body = LoadGenerator.phrase(i);
			inFlight.acquire();
			pool.submit(() -> {
				try {
					long called = System.nanoTime();
					long seq = appends.append(conversation.id(), conversation.visitor(), clientId, body);
					long written = System.nanoTime();
					if (seq < writtenAt[c].length()) {
						// Lag counts from the start of the append: the entry is in Redis
						// before the call returns, and may be archived before it does.
						writtenAt[c].set((int) seq, called);
						outstanding.add(conversation.id());
					}
					appendLatency.recordValue(Math.max(0, (written - due) / 1000));
					done.incrementAndGet();
				}
				catch (RuntimeException ex) {
					failed.incrementAndGet();
				}
				finally {
					inFlight.release();
				}
			});
		}
		inFlight.acquire(256);
		inFlight.release(256);
		long appendEnded = System.nanoTime();
		long deadline = appendEnded + 120_000_000_000L;
		while (archived.get() < done.get() && System.nanoTime() < deadline) {
			LoadGenerator.sleep(Duration.ofMillis(50));
		}
		long drained = System.nanoTime();
		Counters after = counters.get();
		poller.interrupt();
		poller.join(5000);
		pool.shutdown();
		double sendSeconds = (appendEnded - start) / 1e9;
		double seconds = (drained - start) / 1e9;
		Map<String, Double> cpu = new java.util.LinkedHashMap<>();
		after.cpuSeconds()
			.forEach((process, used) -> cpu.put(process, used - before.cpuSeconds().getOrDefault(process, 0.0)));
		return new Figures(conversations.size(), rate, done.get() / sendSeconds, archived.get() / seconds, done.get(),
				archived.get(), lag.getIntervalHistogram(), appendLatency.getIntervalHistogram(),
				(drained - appendEnded) / 1e9, failed.get(), seconds, cpu, after.statements() - before.statements(),
				after.commits() - before.commits(), after.archiveBatches() - before.archiveBatches(),
				after.rowsInserted() - before.rowsInserted());
	}

	/**
	 * New conversations of a site, made as a node makes them (the product's start step in
	 * Redis, their visitors in PostgreSQL), and waited for until the archive has every
	 * one of them.
	 */
	static List<Conversation> conversations(BenchAppends appends, String jdbcUrl, UUID site, int count)
			throws Exception {
		List<Conversation> conversations = new ArrayList<>(count);
		UUID[] visitors = new UUID[count];
		for (int i = 0; i < count; i++) {
			visitors[i] = UUID.randomUUID();
		}
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
			PreparedStatement insert = db.prepareStatement(
					"insert into visitor (id, site_id, first_seen_at, last_seen_at) select v, ?, now(), now() from unnest(?) as v");
			insert.setObject(1, site);
			insert.setArray(2, db.createArrayOf("uuid", visitors));
			insert.execute();
		}
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
