package dev.porchlight.domain.conversation;

import dev.porchlight.domain.common.Text;

/**
 * What somebody wrote. Stored exactly as typed (after trimming) and always shown as text,
 * never interpreted as markup.
 *
 * @param text 1 to {@value #MAX_LENGTH} characters
 */
public record MessageBody(String text) {

	public static final int MAX_LENGTH = 4000;

	public MessageBody {
		text = Text.required("message", text, MAX_LENGTH);
	}

	@Override
	public String toString() {
		// Message bodies never reach logs.
		return "MessageBody[" + this.text.length() + " chars]";
	}

}
