package dev.porchlight.domain.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message in a conversation, with its place in the conversation's sequence. Sequences
 * start at 1 and grow by one per message, so a gap is always detectable.
 *
 * @param conversationId the conversation
 * @param sequence position in the conversation, from 1
 * @param clientId the id the sender's client gave it, for de-duplication
 * @param sender who wrote it
 * @param body what was written (empty for a message of files only)
 * @param sentAt when the server accepted it
 * @param attachments the files it carries, in order
 */
public record Message(ConversationId conversationId, long sequence, ClientMessageId clientId, Sender sender,
		MessageBody body, Instant sentAt, List<Attachment> attachments) {

	public Message {
		Objects.requireNonNull(conversationId, "conversationId");
		if (sequence < 1) {
			throw new IllegalArgumentException("sequence starts at 1");
		}
		Objects.requireNonNull(clientId, "clientId");
		Objects.requireNonNull(sender, "sender");
		Objects.requireNonNull(body, "body");
		Objects.requireNonNull(sentAt, "sentAt");
		attachments = List.copyOf(attachments);
	}

	/**
	 * A message without files.
	 */
	public Message(ConversationId conversationId, long sequence, ClientMessageId clientId, Sender sender,
			MessageBody body, Instant sentAt) {
		this(conversationId, sequence, clientId, sender, body, sentAt, List.of());
	}

}
