package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.replication.Replicas;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Moves live conversations into PostgreSQL continuously. For each conversation with
 * unarchived entries, one node at a time (a lease in Redis, taken over when it expires):
 * read the entries after what PostgreSQL already has, write them in one transaction, and
 * only after the commit mark them archived in Redis and trim the log there. A crash at
 * any point leaves a state the next run completes: before the commit nothing changed;
 * after it, the rerun finds the entries already in PostgreSQL (its archive mark says so,
 * and the inserts skip existing sequences) and finishes the Redis side.
 *
 * <p>
 * With {@code porchlight.live.replica-acks}, entries are archived only once replicas hold
 * them: an entry only the primary had would otherwise reach PostgreSQL, and after a
 * failover another message would take its sequence.
 */
@Component
public class Archiver {

	private static final Logger log = LoggerFactory.getLogger(Archiver.class);

	private final LiveConversations live;

	private final Transcripts transcripts;

	private final ArchiveProperties properties;

	private final String node = "node-" + UUID.randomUUID();

	private final Timer lag;

	private final AtomicLong pending = new AtomicLong();

	private volatile AfterCommit afterCommit = (id) -> {
	};

	private final @Nullable Replicas replicas;

	private final int replicaAcks;

	private final Duration replicaAckTimeout;

	Archiver(LiveConversations live, Transcripts transcripts, ArchiveProperties properties, MeterRegistry meters) {
		this(live, transcripts, properties, meters, null, 0, Duration.ZERO);
	}

	@Autowired
	Archiver(LiveConversations live, Transcripts transcripts, ArchiveProperties properties, MeterRegistry meters,
			@Nullable Replicas replicas, @Value("${porchlight.live.replica-acks:0}") int replicaAcks,
			@Value("${porchlight.live.replica-ack-timeout:500ms}") Duration replicaAckTimeout) {
		this.replicas = replicas;
		this.replicaAcks = replicaAcks;
		this.replicaAckTimeout = replicaAckTimeout;
		this.live = live;
		this.transcripts = transcripts;
		this.properties = properties;
		this.lag = Timer.builder("porchlight.archive.lag")
			.description("Time from a log entry being written to Redis to it being committed to PostgreSQL")
			.publishPercentileHistogram()
			.register(meters);
		Gauge.builder("porchlight.archive.pending", this.pending, AtomicLong::get)
			.description("Conversations with entries not yet archived")
			.register(meters);
		Gauge.builder("porchlight.archive.failed", live, LiveConversations::archiveFailures)
			.description("Conversations set aside because they could not be archived")
			.register(meters);
	}

	/**
	 * One pass over every conversation awaiting archive.
	 * @return how many log entries were archived
	 * @throws DataAccessException when PostgreSQL or Redis fails; nothing is lost, the
	 * next pass retries
	 */
	public int runOnce() {
		List<ConversationId> waiting = this.live.awaitingArchive(1000);
		this.pending.set(waiting.size());
		int archived = 0;
		for (ConversationId id : waiting) {
			if (!this.live.leaseForArchive(id, this.node, this.properties.lease())) {
				continue;
			}
			try {
				archived += archive(id);
			}
			catch (TransientDataAccessException | DataAccessResourceFailureException ex) {
				// PostgreSQL or Redis is unreachable: every conversation would fail, so
				// back off.
				throw ex;
			}
			catch (RuntimeException ex) {
				// This conversation cannot be archived (it diverged, or refers to
				// something
				// erased): set it aside so that it does not hold up every other one.
				log.error("Conversation {} cannot be archived and was set aside: {}", id, ex.toString());
				this.live.archiveFailed(id);
			}
			finally {
				this.live.releaseArchiveLease(id, this.node);
			}
		}
		return archived;
	}

	private int archive(ConversationId id) {
		long from = this.transcripts.archivedSeq(id);
		int written = 0;
		boolean first = true;
		while (true) {
			// The version before the entries are read is the most this pass may claim to
			// have archived: an entry appended while the entries are read has a higher
			// one, so the conversation stays listed for it.
			LiveConversation before = this.live.find(id).orElse(null);
			List<LogEntry> entries = this.live.after(id, from, this.properties.batch());
			// The state written to the conversation row is read after the entries, so it
			// is at least as new as they are.
			LiveConversation state = this.live.find(id).orElse(null);
			if (before == null || state == null) {
				this.live.unlist(id);
				return written;
			}
			long upTo = from;
			if (!entries.isEmpty() && this.replicas != null && this.replicaAcks > 0
					&& !this.replicas.confirmAllWrites(this.replicaAcks, this.replicaAckTimeout)) {
				throw new DataAccessResourceFailureException(
						"no Redis replica confirmed the entries to archive within " + this.replicaAckTimeout);
			}
			if (!entries.isEmpty() || first) {
				// The first pass always writes the conversation row: its state (status,
				// customer) may have changed without new entries, and a new conversation
				// must exist in PostgreSQL.
				upTo = this.transcripts.archive(state.conversation(), state.version(), entries);
				Instant committed = Instant.now();
				entries.forEach((entry) -> {
					Duration lag = Duration.between(entry.at(), committed);
					this.lag.record(lag.isNegative() ? Duration.ZERO : lag);
				});
				this.afterCommit.committed(id);
			}
			// Also when nothing was left to write: a crash after an earlier commit is
			// completed here. Only the last batch may take the conversation off the list
			// (a full batch means more entries are waiting).
			boolean last = entries.size() < this.properties.batch();
			this.live.archived(id, upTo, last ? before.version() : -1, this.properties.keepInRedis());
			written += entries.size();
			first = false;
			if (last) {
				return written;
			}
			from = upTo;
		}
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
	 * Code run right after a batch committed.
	 */
	@FunctionalInterface
	interface AfterCommit {

		void committed(ConversationId id);

	}

}
