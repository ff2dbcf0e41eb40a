package dev.porchlight.domain.conversation;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

/**
 * Conversations while they are live: each has an ordered, append-only log, and every
 * change to one conversation is a single atomic step, so two nodes writing at once can
 * never produce a gap, a duplicate or a reordering.
 */
public interface LiveConversations {

	/**
	 * Makes a new conversation known.
	 * @param conversation the conversation, with no entries yet
	 */
	void start(Conversation conversation);

	Optional<LiveConversation> find(ConversationId id);

	/**
	 * The visitor's conversations, newest activity first.
	 * @param visitor the visitor
	 * @return the conversations
	 */
	List<LiveConversation> ofVisitor(VisitorId visitor);

	/**
	 * A vouched customer's conversations on one site, newest activity first.
	 * @param site the site
	 * @param customer the customer
	 * @return the conversations
	 */
	List<LiveConversation> ofCustomer(SiteId site, CustomerId customer);

	/**
	 * The staff inbox: the most recently active conversations of every site.
	 * @param limit how many at most
	 * @return the conversations, newest activity first
	 */
	List<LiveConversation> inbox(int limit);

	/**
	 * Appends a message unless one with the same client id is already in the log, in
	 * which case nothing changes and the stored entry is returned. Writing to a closed
	 * conversation reopens it first (a {@code REOPENED} entry precedes the message).
	 * @param id the conversation
	 * @param clientId the sender's client id
	 * @param sender who wrote it
	 * @param body what was written
	 * @param at the server's time
	 * @return the outcome
	 * @throws ConversationNotFoundException when there is no such live conversation
	 */
	Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at);

	/**
	 * Closes or reopens a conversation; no entry is written when it already has that
	 * status.
	 * @param id the conversation
	 * @param status the new status
	 * @param sender who did it
	 * @param at the server's time
	 * @return the new log entry, if the status changed
	 */
	Optional<LogEntry> changeStatus(ConversationId id, ConversationStatus status, Sender sender, Instant at);

	/**
	 * Entries after a sequence, in order.
	 * @param id the conversation
	 * @param afterSeq the last sequence already known (0 for all)
	 * @param limit how many at most
	 * @return the entries
	 */
	List<LogEntry> after(ConversationId id, long afterSeq, int limit);

	/**
	 * Moves one side's read marker forward (never backward) and recounts that side's
	 * unread messages.
	 * @param id the conversation
	 * @param side {@link Sender.Kind#STAFF} or {@link Sender.Kind#VISITOR}
	 * @param seq the last sequence read
	 * @return the read marker after the call
	 */
	long markRead(ConversationId id, Sender.Kind side, long seq);

	/**
	 * Conversations with log entries not yet archived, oldest change first.
	 * @param limit how many at most
	 * @return their ids
	 */
	List<ConversationId> awaitingArchive(int limit);

	/**
	 * Stops listing a conversation as awaiting archive (it no longer exists).
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
	boolean leaseForArchive(ConversationId id, String holder, java.time.Duration lease);

	void releaseArchiveLease(ConversationId id, String holder);

	/**
	 * Records that everything up to {@code seq}, and the state as of {@code version}, is
	 * safely archived: trims the log in Redis down to the last {@code keep} archived
	 * entries, and stops listing the conversation as awaiting archive unless it changed
	 * after {@code version}.
	 * @param id the conversation
	 * @param seq the highest archived sequence
	 * @param version the state version that was archived
	 * @param keep archived entries to keep in Redis for fast resumes
	 */
	void archived(ConversationId id, long seq, long version, int keep);

	/**
	 * Stops listing a conversation as awaiting archive because it cannot be archived; it
	 * is kept in a separate list for an operator to look at.
	 * @param id the conversation
	 */
	void archiveFailed(ConversationId id);

	/**
	 * How many conversations could not be archived.
	 * @return the count
	 */
	long archiveFailures();

	/**
	 * Lists again every conversation whose log is ahead of its archive, repairing a
	 * listing lost to a crash right after an append.
	 * @return how many were listed again
	 */
	int relistUnarchived();

	/**
	 * Sets the customer of a live conversation (after an email was left, or a merge) and
	 * lists it under that customer.
	 * @param id the conversation
	 * @param customer the customer
	 */
	void assignCustomer(ConversationId id, CustomerId customer);

	/**
	 * Assigns a live conversation to a staff member, or to nobody.
	 * @param id the conversation
	 * @param staff the staff member, or null for nobody
	 * @return false when there is no such live conversation
	 */
	boolean assignStaff(ConversationId id, dev.porchlight.domain.account.@Nullable AccountId staff);

	/**
	 * Deletes everything Redis holds about a conversation (erasure).
	 * @param id the conversation
	 */
	void forget(ConversationId id);

	/**
	 * What {@link #append} did.
	 *
	 * @param entry the message's entry (the stored one for a duplicate)
	 * @param duplicate whether the client id was already in the log
	 * @param reopened the {@code REOPENED} entry written first, if the conversation was
	 * closed
	 */
	record Appended(LogEntry entry, boolean duplicate, Optional<LogEntry> reopened) {
	}

}
