package dev.porchlight.domain.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One event in a conversation's ordered log: a message, or the conversation being closed
 * or reopened. Sequences start at 1 and grow by exactly one per event, so a client that
 * knows the last sequence it saw can always ask for exactly what it missed.
 *
 * @param conversationId the conversation
 * @param seq position in the log, from 1
 * @param kind what happened
 * @param clientId the client's id for a message, null otherwise
 * @param sender who did it
 * @param body the message text (empty for a message of files only), null for status
 * changes
 * @param at when the server accepted it
 * @param attachments the files a message carries, in order (none for status changes)
 */
public record LogEntry(ConversationId conversationId, long seq, Kind kind, @Nullable ClientMessageId clientId,
		Sender sender, @Nullable MessageBody body, Instant at, List<Attachment> attachments) {

	public LogEntry {
		Objects.requireNonNull(conversationId, "conversationId");
		if (seq < 1) {
			throw new IllegalArgumentException("sequences start at 1");
		}
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(sender, "sender");
		Objects.requireNonNull(at, "at");
		if ((kind == Kind.MESSAGE) != (body != null && clientId != null)) {
			throw new IllegalArgumentException("messages, and only messages, have a body and a client id");
		}
		attachments = List.copyOf(attachments);
		if (kind != Kind.MESSAGE && !attachments.isEmpty()) {
			throw new IllegalArgumentException("only messages carry files");
		}
	}

	/**
	 * An entry without files.
	 */
	public LogEntry(ConversationId conversationId, long seq, Kind kind, @Nullable ClientMessageId clientId,
			Sender sender, @Nullable MessageBody body, Instant at) {
		this(conversationId, seq, kind, clientId, sender, body, at, List.of());
	}

	/**
	 * The message this entry records, if it is one.
	 * @return the message, or null for a status change
	 */
	public @Nullable Message message() {
		return (this.kind == Kind.MESSAGE && this.body != null && this.clientId != null) ? new Message(
				this.conversationId, this.seq, this.clientId, this.sender, this.body, this.at, this.attachments) : null;
	}

	/**
	 * The kinds of log events.
	 */
	public enum Kind {

		MESSAGE, CLOSED, REOPENED

	}

}
