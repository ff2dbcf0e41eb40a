package dev.porchlight.domain.attachment;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * The records of uploaded files: who uploaded what into which conversation, and the
 * message that carries it once sent. An upload belongs to one conversation and one
 * sender, and goes with exactly one message.
 */
public interface Attachments {

	/**
	 * Records a file whose bytes are stored.
	 * @param upload the file
	 */
	void add(Stored upload);

	/**
	 * Gives uploads to a message, all or none: each must be the sender's, in that
	 * conversation, and not yet sent with another message (sending the same message again
	 * is fine).
	 * @param conversation the conversation
	 * @param uploader who sends the message
	 * @param message the message's client id
	 * @param ids the uploads, in the order the message shows them
	 * @return what the message says about each, in that order, and which of them this
	 * call took (the others an earlier attempt of the same message had taken)
	 * @throws DomainException {@code attachment_not_found} when one is not the sender's
	 * to send
	 */
	Claim claim(ConversationId conversation, Sender uploader, ClientMessageId message, List<AttachmentId> ids);

	/**
	 * Gives uploads back that a message took but that it does not carry: the message was
	 * not stored, or one with its client id was stored before without them.
	 * @param ids the uploads
	 * @param message the message that took them
	 */
	void release(List<AttachmentId> ids, ClientMessageId message);

	Optional<Stored> find(AttachmentId id);

	/**
	 * The files sent in some conversations, oldest first.
	 * @param conversations the conversations
	 * @return their files
	 */
	List<Stored> sentIn(Collection<ConversationId> conversations);

	/**
	 * Forgets every file of some conversations (sent or not).
	 * @param conversations the conversations
	 * @return the files forgotten, whose bytes are to go too
	 */
	List<AttachmentId> removeOf(Collection<ConversationId> conversations);

	/**
	 * Forgets one upload its uploader took back before sending it.
	 * @param id the upload
	 * @param conversation the conversation it was uploaded into
	 * @param uploader who takes it back: only the one who uploaded it
	 * @return whether there was such an unsent upload (its bytes are to go too)
	 */
	boolean removeUnsent(AttachmentId id, ConversationId conversation, Sender uploader);

	/**
	 * Forgets uploads no message took.
	 * @param uploadedBefore only those older than this
	 * @param limit at most this many
	 * @return the files forgotten, whose bytes are to go too
	 */
	List<AttachmentId> removeUnsent(Instant uploadedBefore, int limit);

	/**
	 * @param site a site
	 * @return whether it keeps the bytes of images as uploaded, beside what is served
	 */
	boolean keepsOriginals(SiteId site);

	/**
	 * @param site a site
	 * @param keep whether it keeps the bytes of images as uploaded
	 */
	void keepOriginals(SiteId site, boolean keep);

	/**
	 * Uploads given to a message.
	 *
	 * @param attachments what the message says about each, in its order
	 * @param fresh those no earlier attempt of the message had taken
	 */
	record Claim(List<Attachment> attachments, List<AttachmentId> fresh) {

		public Claim {
			attachments = List.copyOf(attachments);
			fresh = List.copyOf(fresh);
		}

	}

	/**
	 * An uploaded file and where it belongs.
	 *
	 * @param attachment what a message says about it
	 * @param site the conversation's site
	 * @param conversation the conversation it was uploaded into
	 * @param uploader who uploaded it
	 * @param original whether the bytes as uploaded are kept too
	 * @param message the message that carries it, once sent
	 * @param uploadedAt when it was uploaded
	 */
	record Stored(Attachment attachment, SiteId site, ConversationId conversation, Sender uploader, boolean original,
			@Nullable ClientMessageId message, Instant uploadedAt) {

		public AttachmentId id() {
			return this.attachment.id();
		}

	}

}
