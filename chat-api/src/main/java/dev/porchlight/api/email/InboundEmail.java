package dev.porchlight.api.email;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One received email, after parsing: who sent it, to which addresses, what it answers,
 * and the new text its writer typed (quoted history and signatures removed).
 *
 * @param messageId its Message-ID, without angle brackets
 * @param from the sender's address, lower-cased, or {@code null} when absent or invalid
 * @param fromName the sender's display name, decoded, or {@code null}
 * @param recipients every address it was sent or delivered to, lower-cased, without
 * duplicates (To, Cc, Delivered-To, X-Original-To, Envelope-To)
 * @param subject its subject, decoded, on one line
 * @param inReplyTo the message ids of In-Reply-To, without angle brackets
 * @param references the message ids of References, in header order
 * @param text the new content, as plain text, trimmed; may be empty
 * @param attachments the file names of its attachments (their content is not kept)
 * @param automatic whether it was generated automatically (an auto-reply, bulk mail or a
 * bounce) and must not become a chat message
 * @param bounce what it reports, when it is a bounce
 */
public record InboundEmail(@Nullable String messageId, @Nullable String from, @Nullable String fromName,
		List<String> recipients, @Nullable String subject, List<String> inReplyTo, List<String> references, String text,
		List<String> attachments, boolean automatic, @Nullable DeliveryReport bounce) {

	public InboundEmail {
		recipients = List.copyOf(recipients);
		inReplyTo = List.copyOf(inReplyTo);
		references = List.copyOf(references);
		attachments = List.copyOf(attachments);
		Objects.requireNonNull(text, "text");
		automatic = automatic || bounce != null;
	}

}
