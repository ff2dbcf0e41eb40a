package dev.porchlight.domain.conversation;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.account.AccountId;
import org.jspecify.annotations.Nullable;

/**
 * A conversation as the live path knows it: the conversation itself plus where its log
 * stands and what each side has read.
 *
 * @param conversation the conversation
 * @param lastSeq the sequence of the newest log entry, 0 when empty
 * @param readByStaff the last sequence staff marked read
 * @param readByVisitor the last sequence the visitor marked read
 * @param unreadForStaff visitor messages after {@code readByStaff}
 * @param unreadForVisitor staff messages after {@code readByVisitor}
 * @param preview the start of the newest message, for inbox lists
 * @param lastSender who wrote the newest message
 * @param assignee the staff member the conversation is assigned to
 * @param version grows with every change to the conversation's state or log, so the
 * archive can tell whether what it wrote is still current
 */
public record LiveConversation(Conversation conversation, long lastSeq, long readByStaff, long readByVisitor,
		long unreadForStaff, long unreadForVisitor, @Nullable String preview, Sender.@Nullable Kind lastSender,
		@Nullable AccountId assignee, long version) {

	public static final int PREVIEW_LENGTH = 140;

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	public LiveConversation {
		Objects.requireNonNull(conversation, "conversation");
	}

	public ConversationId id() {
		return this.conversation.id();
	}

	/**
	 * Whether the visitor is waiting for an answer: the conversation is open and the last
	 * message came from them.
	 * @return true when staff should reply
	 */
	public boolean awaitingReply() {
		return this.conversation.isOpen() && this.lastSender == Sender.Kind.VISITOR;
	}

	/**
	 * The preview of a message body: its first characters on one line.
	 * @param body the body
	 * @return at most {@value #PREVIEW_LENGTH} characters
	 */
	public static String preview(MessageBody body) {
		return preview(body, List.of());
	}

	/**
	 * The preview of a message: its body's first characters on one line, or for a message
	 * of files only, a paper clip and the first file's name.
	 * @param body the body
	 * @param attachments the message's files
	 * @return at most {@value #PREVIEW_LENGTH} characters
	 */
	public static String preview(MessageBody body, List<Attachment> attachments) {
		String text = (body.isEmpty() && !attachments.isEmpty()) ? "\uD83D\uDCCE " + attachments.get(0).name()
				+ ((attachments.size() > 1) ? " +" + (attachments.size() - 1) : "") : body.text();
		String flat = WHITESPACE.matcher(text).replaceAll(" ");
		int end = flat.offsetByCodePoints(0, Math.min(PREVIEW_LENGTH, flat.codePointCount(0, flat.length())));
		return flat.substring(0, end);
	}

}
