package dev.porchlight.domain.email;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.conversation.ConversationId;
import org.jspecify.annotations.Nullable;

/**
 * One email to a visitor and what became of it.
 *
 * @param id random identifier
 * @param conversationId the conversation it continues
 * @param kind a reply, or a transcript the visitor asked for
 * @param firstSeq the first staff message it carries (a transcript: 1)
 * @param lastSeq the last message it carries
 * @param recipient where it went (or, for a transcript, goes); null while a reply waits
 * @param status where it is
 * @param attempts how often sending was tried
 * @param reason why it failed, bounced or was not sent
 * @param messageId the Message-ID it was sent with, without angle brackets
 * @param notBefore see {@link Status}
 * @param createdAt when it was queued
 * @param sentAt when the mail server took it
 */
public record OutboundEmail(UUID id, ConversationId conversationId, Kind kind, long firstSeq, long lastSeq,
		@Nullable String recipient, Status status, int attempts, @Nullable String reason, @Nullable String messageId,
		Instant notBefore, Instant createdAt, @Nullable Instant sentAt) {

	public OutboundEmail {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(conversationId, "conversationId");
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(notBefore, "notBefore");
		Objects.requireNonNull(createdAt, "createdAt");
		if (lastSeq < firstSeq) {
			throw new IllegalArgumentException("lastSeq before firstSeq");
		}
	}

	/**
	 * What an email carries.
	 */
	public enum Kind {

		/** Staff replies the visitor has not seen, queued by the archive. */
		REPLY,
		/** The whole conversation, asked for by the visitor. */
		TRANSCRIPT

	}

	/**
	 * Where an email is.
	 */
	public enum Status {

		/** Waiting until the visitor was away long enough ({@code notBefore} + delay). */
		QUEUED,
		/**
		 * Taken by a node at {@code notBefore}; back to {@link #RETRYING} if it stalls.
		 */
		SENDING,
		/** The mail server took it. */
		SENT,
		/** Sending failed ({@code reason}); tried again at {@code notBefore}. */
		RETRYING,
		/** Sending failed too often; {@code reason} says why. */
		FAILED,
		/** The receiving server reported it undeliverable. */
		BOUNCED,
		/** Not sent, and not needed: read in the chat, no address, opted out. */
		SKIPPED

	}

}
