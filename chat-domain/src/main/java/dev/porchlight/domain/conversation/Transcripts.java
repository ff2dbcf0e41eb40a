package dev.porchlight.domain.conversation;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.porchlight.domain.account.AccountId;
import org.jspecify.annotations.Nullable;

/**
 * The archive of conversations: their state and every log entry, kept for good. Archiving
 * is idempotent: writing the same entries twice changes nothing, so a batch can always be
 * retried.
 */
public interface Transcripts {

	/**
	 * Stores the conversation's current state and the given log entries, all or nothing.
	 * Entries already archived are skipped. Entries whose sequence is already archived
	 * with different content mean the log diverged (e.g. Redis lost writes and reused
	 * sequences): that fails loudly instead of dropping the new entry.
	 * @param conversation the conversation's state
	 * @param version the live state's version; state older than what is stored is not
	 * written
	 * @param entries log entries, in sequence order
	 * @return the highest sequence archived for the conversation after this call
	 */
	long archive(Conversation conversation, long version, List<LogEntry> entries);

	/**
	 * Stores many conversations' states and log entries in one transaction, all or
	 * nothing, with the same rules as {@link #archive(Conversation, long, List)}.
	 * @param batches one per conversation, each conversation at most once
	 */
	void archive(List<Batch> batches);

	/**
	 * The highest sequence archived so far of each conversation (0 when none).
	 * @param conversations the conversations
	 * @return the sequence of each conversation the archive knows
	 */
	Map<ConversationId, Long> archivedSeqs(Collection<ConversationId> conversations);

	/**
	 * The highest sequence archived so far, 0 when none.
	 * @param conversation the conversation
	 * @return the sequence
	 */
	long archivedSeq(ConversationId conversation);

	/**
	 * Archived log entries after a sequence, in order.
	 * @param conversation the conversation
	 * @param afterSeq the last sequence already known
	 * @param limit how many at most
	 * @return the entries
	 */
	List<LogEntry> after(ConversationId conversation, long afterSeq, int limit);

	/**
	 * One conversation's part of an archive transaction.
	 *
	 * @param conversation its state
	 * @param assignee the staff member it is assigned to
	 * @param version the live state's version; state older than what is stored is not
	 * written
	 * @param entries log entries, in sequence order
	 */
	record Batch(Conversation conversation, @Nullable AccountId assignee, long version, List<LogEntry> entries) {

		public Batch {
			Objects.requireNonNull(conversation, "conversation");
			entries = List.copyOf(entries);
		}

	}

}
