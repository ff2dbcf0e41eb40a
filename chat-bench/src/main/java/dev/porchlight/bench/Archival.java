package dev.porchlight.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import dev.porchlight.persistence.conversation.BenchAppends;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 3: archival into PostgreSQL. Messages are appended to Redis with the product's
 * own append step ({@link BenchAppends}) at a fixed rate, so the archiver (running in the
 * Porchlight nodes, as in production) is fed faster than one machine's WebSocket path
 * could; lag is measured from the start of an append call to the moment a poll of
 * {@code conversation.archived_seq} (every 100 ms) sees it committed.
 */
final class Archival {

	record Conversation(UUID id, UUID visitor) {
	}

	record Figures(double targetRate, double appendedRate, double archivedRate, long appended, long archived,
			Histogram lagMs, Histogram appendUs, double drainSeconds, long failedAppends) {
	}

	private Archival() {
	}

	static Figures run(BenchAppends appends, String jdbcUrl, List<Conversation> conversations, double rate,
			Duration duration) throws Exception {
		int total = (int) (rate * duration.toSeconds());
		int perConversation = total / conversations.size() + 2;
		// Per conversation: when each of its sequences was written (nanoTime), by seq.
		Map<UUID, AtomicLongArray> writtenAt = new HashMap<>();
		Map<UUID, Long> firstSeq = new HashMap<>();
		for (Conversation conversation : conversations) {
			writtenAt.put(conversation.id(), new AtomicLongArray(perConversation + 16));
		}
		// Appends start after whatever the conversation already holds.
		Map<UUID, Long> base = new HashMap<>();
		Recorder appendLatency = new Recorder(60_000_000L, 3);
		AtomicLong failed = new AtomicLong();
		AtomicLong done = new AtomicLong();
		Semaphore inFlight = new Semaphore(256);
		long period = (long) (1e9 / rate);
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		// The first append of each conversation tells where its sequences start.
		for (Conversation conversation : conversations) {
			long seq = appends.append(conversation.id(), conversation.visitor(),
					"a" + UUID.randomUUID().toString().substring(0, 8), "Hello, are you there?");
			base.put(conversation.id(), seq);
			firstSeq.put(conversation.id(), seq + 1);
		}
		Recorder lag = new Recorder(600_000L, 3);
		Map<UUID, Long> seen = new HashMap<>();
		for (Conversation conversation : conversations) {
			seen.put(conversation.id(), base.get(conversation.id()));
		}
		AtomicLong archived = new AtomicLong();
		long start = System.nanoTime() + 20_000_000L;
		Thread poller = Thread.ofPlatform().name("archive-poller").start(() -> {
			try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
				PreparedStatement query = db
					.prepareStatement("select id, archived_seq from conversation where id = any(?)");
				query.setArray(1, db.createArrayOf("uuid", conversations.stream().map(Conversation::id).toArray()));
				while (!Thread.currentThread().isInterrupted()) {
					long now = System.nanoTime();
					try (ResultSet rows = query.executeQuery()) {
						while (rows.next()) {
							UUID id = rows.getObject(1, UUID.class);
							long upTo = rows.getLong(2);
							long from = seen.get(id);
							AtomicLongArray times = writtenAt.get(id);
							long first = firstSeq.get(id);
							long counted = from;
							for (long seq = from + 1; seq <= upTo; seq++) {
								int index = (int) (seq - first);
								if (index < 0 || index >= times.length()) {
									counted = seq;
									continue;
								}
								// Its append has not returned yet: count it at a later
								// poll.
								if (times.get(index) == 0) {
									break;
								}
								lag.recordValue(Math.max(0, (now - times.get(index)) / 1_000_000));
								archived.incrementAndGet();
								counted = seq;
							}
							seen.put(id, counted);
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
			String clientId = "r" + i;
			String body = LoadGenerator.phrase(i);
			inFlight.acquire();
			pool.submit(() -> {
				try {
					long called = System.nanoTime();
					long seq = appends.append(conversation.id(), conversation.visitor(), clientId, body);
					long written = System.nanoTime();
					int index = (int) (seq - firstSeq.get(conversation.id()));
					AtomicLongArray times = writtenAt.get(conversation.id());
					if (index >= 0 && index < times.length()) {
						// Lag counts from the start of the append: the entry is in Redis
						// before the call returns, and may be archived before it does.
						times.set(index, called);
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
		long archivedAtEnd = archived.get();
		long deadline = appendEnded + 60_000_000_000L;
		while (archived.get() < done.get() && System.nanoTime() < deadline) {
			LoadGenerator.sleep(Duration.ofMillis(50));
		}
		long drained = System.nanoTime();
		poller.interrupt();
		poller.join(5000);
		pool.shutdown();
		double sendSeconds = (appendEnded - start) / 1e9;
		return new Figures(rate, done.get() / sendSeconds, archived.get() / ((drained - start) / 1e9), done.get(),
				archived.get(), lag.getIntervalHistogram(), appendLatency.getIntervalHistogram(),
				(drained - appendEnded) / 1e9, failed.get());
	}

	static List<Conversation> conversations(ChatSystem.Porchlight porchlight, int count) {
		List<Conversation> conversations = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			var source = LoadGenerator.address(60 + i / 200, 1 + (i / 20) % 10);
			Conn conn = porchlight.idleVisitor(0, source, source);
			conn.send("{\"type\":\"start\",\"ref\":\"s\"}");
			String started = conn.next("\"started\"", Duration.ofSeconds(30));
			UUID visitor = UUID.fromString(Api.JSON.readTree(conn.welcome).path("visitorId").asString());
			UUID id = UUID.fromString(Api.JSON.readTree(started).path("conversation").path("id").asString());
			conversations.add(new Conversation(id, visitor));
			conn.close();
		}
		return conversations;
	}

}
