package dev.porchlight.domain.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

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
	 * The inbox of a staff member limited to some sites: the most recently active
	 * conversations of those sites, however many of other sites are more recent.
	 * @param sites the sites served
	 * @param limit how many at most
	 * @return the conversations, newest activity first
	 */
	List<LiveConversation> inbox(Set<SiteId> sites, int limit);

	/**
	 * Appends a message unless one with the same client id from the same sender is
	 * already in the log, in which case nothing changes and the stored entry's sequence
	 * and time are returned. Writing to a closed conversation reopens it first (a
	 * {@code REOPENED} entry precedes the message). The message counts against the quota,
	 * if one is given, in the same step: a refused message changes nothing, and a resend
	 * of a stored one takes nothing from it.
	 * @param id the conversation
	 * @param clientId the sender's client id
	 * @param sender who wrote it
	 * @param body what was written
	 * @param at the server's time
	 * @param quota the allowance the message takes from, or null
	 * @return the outcome
	 * @throws ConversationNotFoundException when there is no such live conversation
	 * @throws dev.porchlight.domain.ratelimit.RateLimitExceededException when the quota
	 * is used up
	 */
	default Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at,
			@Nullable Quota quota) {
		return append(id, clientId, sender, body, at, quota, true);
	}

	/**
	 * Appends a message, telling the conversation's followers and staff inboxes in the
	 * same step, or, with {@code announce} false, leaving that to {@link #announce} once
	 * the caller made sure of something first (replicas holding the message).
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, Instant, Quota)
	 */
	default Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at,
			@Nullable Quota quota, boolean announce) {
		return append(id, clientId, sender, body, at, quota, null, announce);
	}

	/**
	 * Appends a message that counts against its sender's quota and a second one shared
	 * with others (its site's), in the same step as it is stored. The shared quota is
	 * counted only when the sender's allows the message, so a sender refused for their
	 * own flood takes nothing from what the others share; either one refusing stores
	 * nothing.
	 * @param quota the sender's allowance, or null
	 * @param shared the allowance shared with other senders (e.g. all visitors of a
	 * site), or null
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, Instant, Quota,
	 * boolean)
	 */
	default Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at,
			@Nullable Quota quota, @Nullable Quota shared, boolean announce) {
		return append(id, clientId, sender, body, List.of(), at, quota, shared, announce);
	}

	/**
	 * Appends a message that carries files (their uploads already claimed for it).
	 * @param attachments the files, in order; with none the body must not be empty
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, Instant, Quota,
	 * Quota, boolean)
	 */
	default Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body,
			List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota shared, boolean announce) {
		return append(id, clientId, sender, body, attachments, at, quota, null, shared, announce);
	}

	/**
	 * Appends a message that also counts against the allowance of the sender's network
	 * address (every visitor behind it, on any site): after the sender's own, before the
	 * shared one, so a flood refused by either takes nothing from what the site shares.
	 * @param address the allowance of the sender's address, or null
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, List, Instant,
	 * Quota, Quota, boolean)
	 */
	Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body,
			List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota address,
			@Nullable Quota shared, boolean announce);

	/**
	 * Appends a message and its events like
	 * {@link #append(ConversationId, ClientMessageId, Sender, MessageBody, List, Instant, Quota, Quota, boolean)},
	 * without waiting for the store: the caller goes on (e.g. to a socket's next frame)
	 * while the step is under way. Steps started one after the other by one caller are
	 * stored in that order. This default does the step before it returns.
	 * @return the outcome, or the failure the synchronous form would throw
	 */
	default CompletableFuture<Appended> appendAsync(ConversationId id, ClientMessageId clientId, Sender sender,
			MessageBody body, List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota shared) {
		return appendAsync(id, clientId, sender, body, attachments, at, quota, null, shared);
	}

	/**
	 * Appends a message without waiting for the store, counting it against the sender's
	 * address too.
	 * @see #appendAsync(ConversationId, ClientMessageId, Sender, MessageBody, List,
	 * Instant, Quota, Quota)
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, List, Instant,
	 * Quota, Quota, Quota, boolean)
	 */
	default CompletableFuture<Appended> appendAsync(ConversationId id, ClientMessageId clientId, Sender sender,
			MessageBody body, List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota address,
			@Nullable Quota shared) {
		try {
			return CompletableFuture
				.completedFuture(append(id, clientId, sender, body, attachments, at, quota, address, shared, true));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Appends a message that counts against no quota.
	 * @see #append(ConversationId, ClientMessageId, Sender, MessageBody, Instant, Quota)
	 */
	default Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at) {
		return append(id, clientId, sender, body, at, null);
	}

	/**
	 * Tells the conversation's followers and staff inboxes of log entries already stored
	 * (again, if they were told before: receivers drop entries they have).
	 * @param id the conversation
	 * @param fromSeq the first entry
	 * @param toSeq the last entry
	 */
	void announce(ConversationId id, long fromSeq, long toSeq);

	/**
	 * Closes or reopens a conversation; no entry is written when it already has that
	 * status.
	 * @param id the conversation
	 * @param status the new status
	 * @param sender who did it
	 * @param at the server's time
	 * @return the new log entry, if the status changed
	 */
	default Optional<LogEntry> changeStatus(ConversationId id, ConversationStatus status, Sender sender, Instant at) {
		return changeStatus(id, status, sender, at, true);
	}

	/**
	 * Closes or reopens a conversation, telling followers and staff inboxes in the same
	 * step, or, with {@code announce} false, leaving that to {@link #announce}.
	 * @see #changeStatus(ConversationId, ConversationStatus, Sender, Instant)
	 */
	Optional<LogEntry> changeStatus(ConversationId id, ConversationStatus status, Sender sender, Instant at,
			boolean announce);

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
	 * @param entry the message's entry (for a duplicate: the stored sequence and time)
	 * @param duplicate whether the client id was already in the log
	 * @param reopened the {@code REOPENED} entry written first, if the conversation was
	 * closed
	 */
	record Appended(LogEntry entry, boolean duplicate, Optional<LogEntry> reopened) {
	}

}
