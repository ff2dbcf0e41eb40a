package dev.porchlight.domain.conversation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The conversations whose live log or state is ahead of the archive, and the bookkeeping
 * that lets several nodes archive them in batches without doing the same work twice or
 * losing any. Every change to a live conversation lists it here, scored by its state
 * version, in the same atomic step; it leaves the list only once the archive has
 * everything up to that version.
 *
 * <p>
 * The list is divided into shards by conversation. A node leases the shards it works on
 * for a while (a node that dies loses its leases when they expire), so two nodes never
 * archive one conversation at the same time, and one lease covers many conversations.
 */
public interface ArchiveQueue {

	/**
	 * The shards that have conversations waiting, in an order that differs from node to
	 * node and call to call, so nodes starting together pick different ones first.
	 * @return shard numbers
	 */
	List<Integer> shardsWithWork();

	/**
	 * Takes the right to archive one shard's conversations for a while.
	 * @param shard the shard
	 * @param holder who takes it
	 * @param lease for how long
	 * @return whether it was free
	 */
	boolean lease(int shard, String holder, Duration lease);

	void release(int shard, String holder);

	/**
	 * Conversations waiting in one shard, oldest change first.
	 * @param shard the shard
	 * @param limit how many at most
	 * @return their ids
	 */
	List<ConversationId> waiting(int shard, int limit);

	/**
	 * Reads, for each conversation, its state and the log entries after the given
	 * sequence, each conversation in one atomic step (so the state's version covers
	 * exactly those entries); all conversations together in one exchange.
	 * @param after per conversation, the last sequence already archived
	 * @param limit entries per conversation at most
	 * @return one snapshot per conversation asked for
	 */
	List<Snapshot> snapshots(Map<ConversationId, Long> after, int limit);

	/**
	 * Records, after the archive committed, what it now holds: trims each log in the live
	 * store down to the last {@code keep} archived entries, and stops listing each
	 * conversation unless it changed after the archived version.
	 * @param archived what was archived
	 * @param keep archived entries to keep in the live store for fast resumes
	 */
	void archived(List<Archived> archived, int keep);

	/**
	 * Stops listing a conversation (it no longer exists).
	 * @param id the conversation
	 */
	void unlist(ConversationId id);

	/**
	 * Stops listing a conversation because it cannot be archived; it is kept in a
	 * separate list for an operator to look at.
	 * @param id the conversation
	 */
	void failed(ConversationId id);

	/**
	 * @return how many conversations could not be archived
	 */
	long failures();

	/**
	 * @return how many conversations wait, in all shards
	 */
	long waiting();

	/**
	 * Conversations waiting in any shard (for operators and tests).
	 * @param limit how many at most per shard
	 * @return their ids
	 */
	List<ConversationId> awaitingArchive(int limit);

	/**
	 * Lists again every conversation whose log is ahead of its archive, repairing a
	 * listing lost to a crash right after an append.
	 * @return how many were listed again
	 */
	int relistUnarchived();

	/**
	 * A conversation as the live store holds it at one instant.
	 *
	 * @param id the conversation
	 * @param state its state, or null when the live store no longer has it
	 * @param entries its log entries after the sequence asked for, in order
	 */
	record Snapshot(ConversationId id, @Nullable LiveConversation state, List<LogEntry> entries) {

		public Snapshot {
			Objects.requireNonNull(id, "id");
			entries = List.copyOf(entries);
		}

	}

	/**
	 * What the archive holds of one conversation after a commit.
	 *
	 * @param id the conversation
	 * @param seq the highest archived sequence
	 * @param version the archived state version, or -1 to keep the conversation listed
	 * (more entries wait)
	 */
	record Archived(ConversationId id, long seq, long version) {

		public Archived {
			Objects.requireNonNull(id, "id");
		}

	}

}
