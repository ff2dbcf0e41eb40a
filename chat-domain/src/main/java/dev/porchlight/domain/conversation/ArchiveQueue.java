package dev.porchlight.domain.conversation;

import java.time.Duration;
import java.util.List;

/**
 * The conversations whose live log or state is ahead of the archive, and the bookkeeping
 * that lets several nodes archive them without doing the same work twice or losing any.
 * Every change to a live conversation lists it here in the same atomic step; it leaves
 * the list only once the archive has everything up to that change.
 */
public interface ArchiveQueue {

	/**
	 * Conversations with log entries or state not yet archived, oldest change first.
	 * @param limit how many at most
	 * @return their ids
	 */
	List<ConversationId> awaitingArchive(int limit);

	/**
	 * How many conversations wait.
	 * @return the count
	 */
	long waiting();

	/**
	 * Stops listing a conversation (it no longer exists).
	 * @param id the conversation
	 */
	void unlist(ConversationId id);

	/**
	 * Takes the right to archive one conversation for a while, so that nodes do not do
	 * the same work twice. A node that dies loses it when the lease runs out.
	 * @param id the conversation
	 * @param holder who takes it
	 * @param lease for how long
	 * @return whether it was free
	 */
	boolean lease(ConversationId id, String holder, Duration lease);

	void release(ConversationId id, String holder);

	/**
	 * Records that everything up to {@code seq}, and the state as of {@code version}, is
	 * safely archived: trims the log in the live store down to the last {@code keep}
	 * archived entries, and stops listing the conversation unless it changed after
	 * {@code version}.
	 * @param id the conversation
	 * @param seq the highest archived sequence
	 * @param version the state version that was archived, or -1 to keep it listed
	 * @param keep archived entries to keep in the live store for fast resumes
	 */
	void archived(ConversationId id, long seq, long version, int keep);

	/**
	 * Stops listing a conversation because it cannot be archived; it is kept in a
	 * separate list for an operator to look at.
	 * @param id the conversation
	 */
	void failed(ConversationId id);

	/**
	 * How many conversations could not be archived.
	 * @return the count
	 */
	long failures();

	/**
	 * Lists again every conversation whose log is ahead of its archive, repairing a
	 * listing lost to a crash right after an append.
	 * @return how many were listed again
	 */
	int relistUnarchived();

}
