package dev.porchlight.api.archive;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.ArchiveQueue;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.Visitors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archival on real Redis and PostgreSQL. The scheduled archiver is slowed right down so
 * each test drives {@link Archiver#runOnce()} itself.
 */
@PorchlightTest(properties = { "porchlight.archive.interval=1h", "porchlight.archive.keep-in-redis=3",
		"porchlight.archive.batch=7" })
class ArchiveIntegrationTests {

	private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@Autowired
	Archiver archiver;

	@Autowired
	LiveConversations live;

	@Autowired
	ArchiveQueue queue;

	@Autowired
	Transcripts transcripts;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	ArchiveProperties properties;

	@Autowired
	ArchiveSchedule schedule;

	@Autowired
	MeterRegistry meters;

	@Autowired
	dev.porchlight.domain.customer.Customers customers;

	@AfterEach
	void noHook() {
		this.archiver.afterCommit((id) -> {
		});
	}

	@Test
	void everyAcknowledgedMessageReachesPostgresExactlyOnceAndRedisIsTrimmedAfterwards() {
		Conversation conversation = conversation();
		List<Long> acked = send(conversation, "a", 20);
		this.live.changeStatus(conversation.id(), ConversationStatus.CLOSED, Sender.system(), T0.plusSeconds(99));
		while (this.archiver.runOnce() > 0) {
			// batches of 7
		}
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked);
		assertThat(this.transcripts.after(conversation.id(), 0, 100)).extracting(LogEntry::seq)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
		assertThat(this.jdbc.sql("select status from conversation where id = ?")
			.param(conversation.id().value())
			.query(String.class)
			.single()).isEqualTo("CLOSED");
		assertThat(this.queue.awaitingArchive(100)).doesNotContain(conversation.id());
		assertThat(this.redis.opsForStream().size("pl:{c:" + conversation.id() + "}:log"))
			.as("trimmed to keep-in-redis")
			.isEqualTo(3);
		// Running again, or re-listing the conversation, writes nothing twice.
		this.redis.opsForZSet().add("pl:archive:pending", conversation.id().toString(), 21);
		this.archiver.runOnce();
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked);
	}

	@Test
	void aCrashBetweenTheCommitAndTheRedisCleanupIsCompletedByTheNextRun() {
		Conversation conversation = conversation();
		List<Long> acked = send(conversation, "c", 5);
		// An Error, like a process dying there, is not handled by the archiver at all.
		this.archiver.afterCommit((id) -> {
			throw new SimulatedCrash();
		});
		assertThatThrownBy(this.archiver::runOnce).isInstanceOf(SimulatedCrash.class);
		// PostgreSQL has committed; Redis still lists the conversation and keeps every
		// entry.
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked);
		assertThat(this.queue.awaitingArchive(100)).contains(conversation.id());
		assertThat(this.redis.opsForStream().size("pl:{c:" + conversation.id() + "}:log")).isEqualTo(5);

		this.archiver.afterCommit((id) -> {
		});
		this.archiver.runOnce();
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked);
		assertThat(this.queue.awaitingArchive(100)).doesNotContain(conversation.id());
		assertThat(this.redis.opsForStream().size("pl:{c:" + conversation.id() + "}:log")).isEqualTo(3);
	}

	@Test
	void twoArchiversRunningConcurrentlyWithLiveWritersLeaveNoDuplicatesOrGaps() throws Exception {
		Archiver other = new Archiver(this.queue, this.transcripts, this.properties, new SimpleMeterRegistry());
		List<Conversation> conversations = List.of(conversation(), conversation(), conversation());
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		try {
			List<Future<List<Long>>> writers = new ArrayList<>();
			for (Conversation conversation : conversations) {
				writers.add(pool.submit(() -> send(conversation, "w", 40)));
			}
			List<Future<?>> archivers = new ArrayList<>();
			for (Archiver archiver : List.of(this.archiver, other)) {
				archivers.add(pool.submit(() -> {
					while (writing.get()) {
						archiver.runOnce();
					}
					return null;
				}));
			}
			List<List<Long>> acked = new ArrayList<>();
			for (Future<List<Long>> writer : writers) {
				acked.add(writer.get());
			}
			writing.set(false);
			for (Future<?> archiver : archivers) {
				archiver.get();
			}
			while (this.archiver.runOnce() + other.runOnce() > 0) {
				// drain what is left
			}
			for (int i = 0; i < conversations.size(); i++) {
				assertThat(archivedMessageSeqs(conversations.get(i))).containsExactlyElementsOf(acked.get(i));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aMessageWrittenWhileABatchIsReadKeepsTheConversationListed() {
		Conversation conversation = conversation();
		List<Long> acked = new ArrayList<>(send(conversation, "r", 2));
		// A writer slips in right after the archiver read the log.
		java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
		ArchiveQueue racing = (ArchiveQueue) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ArchiveQueue.class }, (proxy, method, args) -> {
					Object result = method.invoke(this.queue, args);
					if (method.getName().equals("snapshots") && once.compareAndSet(false, true)) {
						acked.add(
								this.live
									.append(conversation.id(), new ClientMessageId("late"),
											Sender.visitor(conversation.visitorId()),
											new MessageBody("Written during the read"), T0.plusSeconds(5))
									.entry()
									.seq());
					}
					return result;
				});
		Archiver archiver = new Archiver(racing, this.transcripts, this.properties, new SimpleMeterRegistry());
		archiver.runOnce();
		assertThat(this.queue.awaitingArchive(1000)).as("still listed for the late message")
			.contains(conversation.id());
		archiver.runOnce();
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked).hasSize(3);
	}

	@Test
	void aConversationThatCannotBeArchivedIsSetAsideWithoutHoldingUpOthers() {
		// Its visitor was erased from PostgreSQL while the conversation lived on in
		// Redis.
		Conversation orphan = Conversation.start(conversation().siteId(),
				dev.porchlight.domain.visitor.VisitorId.random(), null, PageContext.unknown(), T0);
		this.live.start(orphan);
		Conversation healthy = conversation();
		List<Long> acked = send(healthy, "h", 3);
		send(orphan, "o", 2);
		this.archiver.runOnce();
		assertThat(archivedMessageSeqs(healthy)).containsExactlyElementsOf(acked);
		assertThat(this.queue.awaitingArchive(1000)).doesNotContain(orphan.id(), healthy.id());
		assertThat(this.queue.failures()).isPositive();
		assertThat(this.meters.get("porchlight.archive.failed").gauge().value()).isPositive();
	}

	@Test
	void aCustomerAssignedWhileTheArchiverWorksStillReachesPostgres() {
		Conversation conversation = conversation();
		send(conversation, "a", 2);
		this.archiver.runOnce();
		// Nothing new in the log, only the state changes: the archive must learn it
		// anyway.
		dev.porchlight.domain.customer.Customer customer = new dev.porchlight.domain.customer.Customer(
				dev.porchlight.domain.customer.CustomerId.random(), "Late Lena", null, null, T0, T0);
		this.customers.add(customer);
		this.live.assignCustomer(conversation.id(), customer.id());
		this.archiver.runOnce();
		assertThat(this.jdbc.sql("select customer_id from conversation where id = ?")
			.param(conversation.id().value())
			.query(java.util.UUID.class)
			.single()).isEqualTo(customer.id().value());
	}

	@Test
	void manyConversationsAreWrittenInOneTransaction() {
		List<Conversation> conversations = new ArrayList<>();
		List<List<Long>> acked = new ArrayList<>();
		// More than one script call's worth of conversations (32) for Redis to read and
		// clean up, over several shards of the queue.
		for (int i = 0; i < 70; i++) {
			Conversation conversation = conversation();
			conversations.add(conversation);
			acked.add(send(conversation, "b", 3));
		}
		double before = this.meters.get("porchlight.archive.batches").counter().count();
		assertThat(this.archiver.runOnce()).isGreaterThanOrEqualTo(210);
		assertThat(this.meters.get("porchlight.archive.batches").counter().count())
			.as("every conversation of the pass in one transaction")
			.isEqualTo(before + 1);
		for (int i = 0; i < conversations.size(); i++) {
			assertThat(archivedMessageSeqs(conversations.get(i))).containsExactlyElementsOf(acked.get(i));
		}
		assertThat(this.queue.awaitingArchive(1000))
			.doesNotContainAnyElementsOf(conversations.stream().map(Conversation::id).toList());
	}

	@Test
	void theAssigneeIsArchivedAndUnassigningClearsIt() {
		Conversation conversation = conversation();
		send(conversation, "s", 1);
		java.util.UUID staff = this.jdbc.sql("select id from account order by created_at limit 1")
			.query(java.util.UUID.class)
			.single();
		this.live.assignStaff(conversation.id(), new dev.porchlight.domain.account.AccountId(staff));
		this.archiver.runOnce();
		assertThat(assignee(conversation)).isEqualTo(staff);
		this.live.assignStaff(conversation.id(), null);
		this.archiver.runOnce();
		assertThat(assignee(conversation)).isNull();
	}

	@Test
	void aPassThatLeavesEntriesBeyondABatchIsFullAndARunGoesOnUntilAPassIsNot() {
		while (this.archiver.runOnce() > 0) {
			// what earlier tests left
		}
		Conversation conversation = conversation();
		List<Long> acked = send(conversation, "f", 20);
		// Batches of 7: 7 and 7 leave more waiting, the last 6 do not.
		assertThat(this.archiver.pass()).isEqualTo(new Archiver.Pass(7, true));
		assertThat(this.archiver.pass()).isEqualTo(new Archiver.Pass(7, true));
		assertThat(this.archiver.pass()).isEqualTo(new Archiver.Pass(6, false));
		assertThat(archivedMessageSeqs(conversation)).containsExactlyElementsOf(acked);

		// A scheduled run takes the full passes one after the other, and stops after the
		// first that is not full.
		Conversation next = conversation();
		List<Long> more = send(next, "g", 20);
		this.schedule.archive();
		assertThat(archivedMessageSeqs(next)).containsExactlyElementsOf(more);
		assertThat(this.queue.awaitingArchive(1000)).doesNotContain(next.id());
	}

	private java.util.@org.jspecify.annotations.Nullable UUID assignee(Conversation conversation) {
		return this.jdbc.sql("select assignee_id from conversation where id = ?")
			.param(conversation.id().value())
			.query(java.util.UUID.class)
			.optional()
			.orElse(null);
	}

	@Test
	void archivalLagIsMeasured() {
		Conversation conversation = conversation();
		send(conversation, "m", 2);
		long before = this.meters.get("porchlight.archive.lag").timer().count();
		this.archiver.runOnce();
		assertThat(this.meters.get("porchlight.archive.lag").timer().count()).isEqualTo(before + 2);
		assertThat(this.meters.get("porchlight.archive.pending").gauge()).isNotNull();
		// An archive minutes behind still reads as how far behind, not as "over 30 s".
		assertThat(this.meters.get("porchlight.archive.lag").timer().takeSnapshot().histogramCounts())
			.extracting((bucket) -> bucket.bucket(java.util.concurrent.TimeUnit.SECONDS))
			.anySatisfy((seconds) -> assertThat(seconds).isGreaterThanOrEqualTo(300));
	}

	private List<Long> archivedMessageSeqs(Conversation conversation) {
		return this.jdbc.sql("select seq from message where conversation_id = ? order by seq")
			.param(conversation.id().value())
			.query(Long.class)
			.list();
	}

	private List<Long> send(Conversation conversation, String prefix, int count) {
		List<Long> acked = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Sender sender = (i % 2 == 0) ? Sender.visitor(conversation.visitorId()) : Sender.system();
			acked.add(
					this.live
						.append(conversation.id(), new ClientMessageId(prefix + i), sender,
								new MessageBody(prefix + " " + i), T0.plusMillis(i))
						.entry()
						.seq());
		}
		return acked;
	}

	private Conversation conversation() {
		Site site = Site.create("Shop", List.of(), T0);
		this.sites.add(site);
		Visitor visitor = Visitor.arrive(site.id(), T0);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), null, PageContext.unknown(), T0);
		this.live.start(conversation);
		return conversation;
	}

	/** Stands for the archiver's process being killed at that exact point. */
	static final class SimulatedCrash extends Error {

		SimulatedCrash() {
			super("killed between commit and cleanup", null, false, false);
		}

	}

}
