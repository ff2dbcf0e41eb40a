package dev.porchlight.domain.email;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.conversation.ConversationId;
import org.jspecify.annotations.Nullable;

/**
 * Emails to visitors, from queued to sent (or failed, bounced, skipped). Reply emails are
 * queued by the archive in the transaction that stores a staff message, so every node may
 * send and none loses a reply; a claim makes sure one node sends each.
 */
public interface EmailOutbox {

	/**
	 * Takes emails that are due: replies waiting since at least {@code delay}, retries
	 * whose time has come, and sends a node took but did not finish within
	 * {@code stalled} (a crashed node: the email may go out twice, never not at all).
	 * @param delay how long a reply waits for the visitor to come back
	 * @param stalled after how long a claim counts as abandoned
	 * @param limit how many at most
	 * @param now the time
	 * @return the claimed emails, now {@link OutboundEmail.Status#SENDING}, attempts
	 * counted
	 */
	List<OutboundEmail> claimDue(Duration delay, Duration stalled, int limit, Instant now);

	/**
	 * Confirms a claim before its email is handled and again right before it goes out,
	 * and starts its stall time again. A node that took long over the emails before it (a
	 * slow mail server) may find one taken again by another node as stalled: it must
	 * neither send that one too nor change what the other node does with it.
	 * @param claimed the email as {@link #claimDue} or the last confirmation returned it
	 * @param now the time
	 * @return the email with its claim renewed (to confirm with next time), or empty when
	 * it is no longer this claim's
	 */
	Optional<OutboundEmail> stillClaimed(OutboundEmail claimed, Instant now);

	/**
	 * Puts a claimed reply back to wait, joining replies queued meanwhile.
	 * @param id the email
	 * @param since the visitor's last known activity: due again {@code delay} after it
	 */
	void postpone(UUID id, Instant since);

	/**
	 * Delays a claimed email without counting it as a failure (a rate limit).
	 * @param id the email
	 * @param at when to try again
	 * @param reason why it waits, for staff
	 */
	void later(UUID id, Instant at, String reason);

	void sent(UUID id, String recipient, String messageId, Instant at);

	/**
	 * Sending failed.
	 * @param id the email
	 * @param reason why, for staff (no email content)
	 * @param retryAt when to try again, or null when it has failed for good
	 */
	void failed(UUID id, String reason, @Nullable Instant retryAt);

	void skipped(UUID id, String reason);

	/**
	 * Marks the email sent with this Message-ID as bounced, if it went to the address the
	 * bounce names: whoever received one of our emails knows its Message-ID, and a bounce
	 * they forge for another address must not count.
	 * @param messageId its Message-ID, without angle brackets
	 * @param recipient the address the bounce says failed (any case), or null when it
	 * names none
	 * @param reason what the receiving server said
	 * @return the email's conversation, when it was one of ours sent to that recipient
	 */
	Optional<ConversationId> bounced(String messageId, @Nullable String recipient, String reason);

	/**
	 * Queues the transcript of a conversation up to {@code lastSeq} for a visitor.
	 * @return the queued email
	 */
	OutboundEmail queueTranscript(ConversationId conversation, long lastSeq, String recipient, Instant now);

	/**
	 * The conversation an email of ours belongs to (threading by In-Reply-To and
	 * References).
	 * @param messageId a Message-ID, without angle brackets
	 * @return the conversation, if the id is one we sent
	 */
	Optional<ConversationId> conversationOf(String messageId);

	/**
	 * The Message-IDs sent in a conversation, oldest first, for the References header.
	 */
	List<String> sentMessageIds(ConversationId conversation);

	/**
	 * A conversation's emails, oldest first.
	 */
	List<OutboundEmail> ofConversation(ConversationId conversation);

	/**
	 * How many emails went to one conversation's visitor since a time (rate limit).
	 */
	int sentSince(ConversationId conversation, Instant since);

}
