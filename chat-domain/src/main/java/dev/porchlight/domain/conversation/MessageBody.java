package dev.porchlight.domain.conversation;

import dev.porchlight.domain.common.Text;
import org.jspecify.annotations.Nullable;

/**
 * What somebody wrote. Stored exactly as typed (after trimming) and always shown as text,
 * never interpreted as markup.
 *
 * <p>
 * What a person types goes through {@link #typed}, which never gives an empty body. The
 * one empty body, {@link #NONE}, is that of a message that carries only files.
 *
 * @param text 1 to {@value #MAX_LENGTH} characters, or empty for a message of files only
 */
public record MessageBody(String text) {

	public static final int MAX_LENGTH = 4000;

	/** The text of a message that carries only files. */
	public static final MessageBody NONE = new MessageBody("");

	public MessageBody {
		text = text.isEmpty() ? text : Text.required("message", text, MAX_LENGTH);
	}

	/**
	 * What somebody typed, which must not be empty.
	 * @param text the text
	 * @return the body, trimmed
	 * @throws dev.porchlight.domain.common.DomainException {@code invalid_message} for an
	 * empty, too long or otherwise unfit text
	 */
	public static MessageBody typed(@Nullable String text) {
		return new MessageBody(Text.required("message", text, MAX_LENGTH));
	}

	/**
	 * @return whether nothing was written (a message of files only)
	 */
	public boolean isEmpty() {
		return this.text.isEmpty();
	}

	@Override
	public String toString() {
		// Message bodies never reach logs.
		return "MessageBody[" + this.text.length() + " chars]";
	}

}
