package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.domain.conversation.ArchiveQueue;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.replication.Replicas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Moves live conversations into PostgreSQL continuously, many conversations per batch. A
 * pass leases shards of the archive queue (so two nodes never archive one conversation at
 * the same time), then, for up to {@code conversations-per-pass} of their conversations:
 * one query for what the archive holds of each, one exchange with Redis for each one's
 * state and new entries (read atomically per conversation), one transaction writing all
 * of them, and only after the commit one exchange marking them archived in Redis,
 * trimming the logs and taking off the list those that did not change meanwhile.
 *
 * <p>
 * A crash at any point leaves a state the next pass completes: before the commit nothing
 * changed; after it, the next pass finds the entries in PostgreSQL (the archive marks say
 * so, and the inserts skip existing sequences) and finishes the Redis side. A batch that
 * fails for a reason other than an outage is written again one conversation at a time, so
 * the one conversation that cannot be archived is set aside without holding up the rest.
 *
 * <p>
 * With {@code porchlight.live.replica-acks}, entries are archived only once replicas hold
 * them: an entry only the primary had would otherwise reach PostgreSQL, and after a
 * failover another message would take its sequence.
 */
@Component
public class Archiver {

	private static final Logger log = LoggerFactory.getLogger(Archiver.class);

	private final ArchiveQueue queue;

	private final Transcripts transcripts;

	private final ArchiveProperties properties;

	private final String node = "node-" + UUID.randomUUID();

	private final Timer lag;

	private final Counter batches;

	private final AtomicLong pending = new AtomicLong();

	private volatile AfterCommit afterCommit = (ids) -> {
	};

	private final @Nullable Replicas replicas;

	private final int replicaAcks;

	private final Duration replicaAckTimeout;

	Archiver(ArchiveQueue queue, Transcripts transcripts, ArchiveProperties properties, MeterRegistry meters) {
		this(queue, transcripts, properties, meters, null, 0, Duration.ZERO);
	}

	@Autowired
	Archiver(ArchiveQueue queue, Transcripts transcripts, ArchiveProperties properties, MeterRegistry meters,
			@Nullable Replicas replicas, @Value("${porchlight.live.replica-acks:0}") int replicaAcks,
			@Value("${porchlight.live.replica-ack-timeout:500ms}") Duration replicaAckTimeout) {
		this.replicas = replicas;
		this.replicaAcks = replicaAcks;
		this.replicaAckTimeout = replicaAckTimeout;
		this.queue = queue;
		this.transcripts = transcripts;
		this.properties = properties;
		this.lag = Timer.builder("porchlight.archive.lag")
			.description("Time from a log entry being written to Redis to it being committed to PostgreSQL")
			.publishPercentileHistogram()
			// Micrometer's buckets stop at 30 s by default; an archive behind by minutes
			// (PostgreSQL down, a backlog) must still read as how far behind.
			.maximumExpectedValue(Duration.ofMinutes(10))
			.register(meters);
		this.batches = Counter.builder("porchlight.archive.batches")
			.description("Archive transactions committed (each holds many conversations)")
			.register(meters);
		Gauge.builder("porchlight.archive.pending", this.pending, AtomicLong::get)
			.description("Conversations with entries or state not yet archived")
			.register(meters);
		Gauge.builder("porchlight.archive.failed", queue, ArchiveQueue::failures)
			.description("Conversations set aside because they could not be archived")
			.register(meters);
	}

	/**
	 * One pass: one batch of the conversations waiting in the shards this node could
	 * lease.
	 * @return how many log entries were archived
	 * @throws org.springframework.dao.DataAccessException when PostgreSQL or Redis fails;
	 * nothing is lost, the next pass retries
	 */
	public int runOnce() {
		return pass().entries();
	}

	/**
	 * One pass, saying whether it was full: as many conversations as a pass takes, or a
	 * conversation with more entries than a batch. A full pass leaves work waiting that
	 * the next pass should take at once.
	 * @return what the pass did
	 * @throws org.springframework.dao.DataAccessException when PostgreSQL or Redis fails;
	 * nothing is lost, the next pass retries
	 */
	Pass pass() {
		List<Integer> leased = new ArrayList<>();
		List<ConversationId> conversations = new ArrayList<>();
		try {
			for (int shard : this.queue.shardsWithWork()) {
				int room = this.properties.conversationsPerPass() - conversations.size();
				if (room <= 0) {
					break;
				}
				if (this.queue.lease(shard, this.node, this.properties.lease())) {
					leased.add(shard);
					conversations.addAll(this.queue.waiting(shard, room));
				}
			}
			this.pending.set(this.queue.waiting());
			if (conversations.isEmpty()) {
				return new Pass(0, false);
			}
			Pass pass = archive(conversations);
			return new Pass(pass.entries(),
					pass.full() || conversations.size() >= this.properties.conversationsPerPass());
		}
		finally {
			for (int shard : leased) {
				this.queue.release(shard, this.node);
			}
		}
	}

	private Pass archive(List<ConversationId> conversations) {
		Map<ConversationId, Long> archived = this.transcripts.archivedSeqs(conversations);
		conversations.forEach((id) -> archived.putIfAbsent(id, 0L));
		List<Transcripts.Batch> batches = new ArrayList<>();
		List<ArchiveQueue.Archived> done = new ArrayList<>();
		int entries = 0;
		boolean full = false;
		for (ArchiveQueue.Snapshot snapshot : this.queue.snapshots(archived, this.properties.batch())) {
			LiveConversation state = snapshot.state();
			if (state == null) {
				// Erased, or never fully written: nothing to archive.
				this.queue.unlist(snapshot.id());
				continue;
			}
			long from = archived.get(snapshot.id());
			long upTo = snapshot.entries().stream().mapToLong(LogEntry::seq).max().orElse(from);
			// A full batch means more entries wait: the conversation stays listed. Else
			// the
			// version read with the entries is what this batch archives: a change after
			// it
			// raised the listing's score above it, so the conversation stays listed for
			// it.
			boolean more = snapshot.entries().size() >= this.properties.batch();
			full |= more;
			batches.add(
					new Transcripts.Batch(state.conversation(), state.assignee(), state.version(), snapshot.entries()));
			done.add(new ArchiveQueue.Archived(snapshot.id(), Math.max(from, upTo), more ? -1 : state.version()));
			entries += snapshot.entries().size();
		}
		if (batches.isEmpty()) {
			return new Pass(0, false);
		}
		if (entries > 0 && this.replicas != null && this.replicaAcks > 0
				&& !this.replicas.confirmAllWrites(this.replicaAcks, this.replicaAckTimeout)) {
			throw new DataAccessResourceFailureException(
					"no Redis replica confirmed the entries to archive within " + this.replicaAckTimeout);
		}
		List<ArchiveQueue.Archived> written = write(batches, done);
		Instant committed = Instant.now();
		for (Transcripts.Batch batch : batches) {
			for (LogEntry entry : batch.entries()) {
				Duration lag = Duration.between(entry.at(), committed);
				this.lag.record(lag.isNegative() ? Duration.ZERO : lag);
			}
		}
		this.afterCommit.committed(written.stream().map(ArchiveQueue.Archived::id).toList());
		// Also when nothing new was written: a crash after an earlier commit is completed
		// here.
		this.queue.archived(written, this.properties.keepInRedis());
		return new Pass(entries, full);
	}

	/**
	 * Writes the batch in one transaction. If that fails for a reason other than an
	 * outage, writes each conversation on its own and sets aside those that fail.
	 * @return what was written
	 */
	private List<ArchiveQueue.Archived> write(List<Transcripts.Batch> batches, List<ArchiveQueue.Archived> done) {
		try {
			this.transcripts.archive(batches);
			this.batches.increment();
			return done;
		}
		catch (TransientDataAccessException | DataAccessResourceFailureException ex) {
			// PostgreSQL or Redis is unreachable: every conversation would fail, so back
			// off.
			throw ex;
		}
		catch (RuntimeException ex) {
			if (batches.size() == 1) {
				setAside(done.get(0).id(), ex);
				return List.of();
			}
			List<ArchiveQueue.Archived> written = new ArrayList<>();
			for (int i = 0; i < batches.size(); i++) {
				try {
					this.transcripts.archive(List.of(batches.get(i)));
					this.batches.increment();
					written.add(done.get(i));
				}
				catch (TransientDataAccessException | DataAccessResourceFailureException outage) {
					throw outage;
				}
				catch (RuntimeException single) {
					setAside(done.get(i).id(), single);
				}
			}
			return written;
		}
	}

	/**
	 * This conversation cannot be archived (it diverged, or refers to something erased):
	 * set aside so that it does not hold up every other one.
	 */
	private void setAside(ConversationId id, RuntimeException ex) {
		log.error("Conversation {} cannot be archived and was set aside: {}", id, ex.toString());
		this.queue.failed(id);
	}

	/**
	 * Installs code to run between the database commit and the Redis cleanup. Tests use
	 * it to crash the archiver at exactly that point.
	 * @param hook the code
	 */
	void afterCommit(AfterCommit hook) {
		this.afterCommit = hook;
	}

	/**
	 * What one pass did.
	 *
	 * @param entries log entries archived
	 * @param full whether it took as much as a pass takes, so that more is waiting
	 */
	record Pass(int entries, boolean full) {
	}

	/**
	 * Code run right after a batch committed.
	 */
	@FunctionalInterface
	interface AfterCommit {

		void committed(Collection<ConversationId> conversations);

	}

}
