package dev.porchlight.api.email;

import java.io.UnsupportedEncodingException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Sender;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.web.util.HtmlUtils;

/**
 * Writes an email to a visitor: plain text and simple HTML (the shop's name and colour,
 * the new replies, a few earlier messages for context, a link back to the chat, the
 * opt-out link). Everything from a conversation is escaped for HTML; headers carry only
 * validated addresses and a subject with no control characters, so nothing a visitor
 * typed can add a header.
 */
final class EmailComposer {

	private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");

	/** An email address, with its angle brackets if it has them. */
	private static final Pattern ADDRESS = Pattern.compile("<?[^\\s<>()\\[\\]\"',;:@]+@[^\\s<>()\\[\\]\"',;:@]+>?");

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
		.withZone(ZoneOffset.UTC);

	private EmailComposer() {
	}

	/**
	 * What goes into one email.
	 *
	 * @param shopName the name the email comes from
	 * @param colour the shop's colour ({@code #rrggbb})
	 * @param from the shop's address
	 * @param replyTo the conversation's signed reply address
	 * @param to the visitor's address
	 * @param messageId the new email's Message-ID, without angle brackets
	 * @param references earlier Message-IDs of the conversation, oldest first
	 * @param transcript whether it is the whole conversation rather than new replies
	 * @param entries the messages to show, in order
	 * @param firstNew the first sequence that is new (earlier ones are context)
	 * @param staffNames display names of staff who wrote
	 * @param chatLink where the chat continues on the shop's site
	 * @param optOutLink the one-click opt-out
	 */
	record Letter(String shopName, String colour, String from, String replyTo, String to, String messageId,
			List<String> references, boolean transcript, List<LogEntry> entries, long firstNew,
			Map<AccountId, String> staffNames, @Nullable String chatLink, String optOutLink) {
	}

	static void write(MimeMessage message, Letter letter) throws MessagingException {
		MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
		String shop = clean(letter.shopName());
		try {
			helper.setFrom(new InternetAddress(letter.from(), shop, "UTF-8"));
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
		helper.setReplyTo(strict(letter.replyTo()));
		helper.setTo(strict(letter.to()));
		helper.setSubject(letter.transcript() ? "Your conversation with " + shop : shop + " replied to you");
		helper.setText(text(letter), html(letter));
		message.setHeader("Message-ID", "<" + letter.messageId() + ">");
		if (!letter.references().isEmpty()) {
			message.setHeader("In-Reply-To", "<" + letter.references().getLast() + ">");
			message.setHeader("References",
					String.join(" ", letter.references().stream().map((id) -> "<" + id + ">").toList()));
		}
		message.setHeader("List-Unsubscribe", "<" + letter.optOutLink() + ">");
		message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
		message.setHeader("X-Porchlight", letter.transcript() ? "transcript" : "reply");
	}

	private static InternetAddress strict(String address) throws MessagingException {
		InternetAddress parsed = new InternetAddress(address, true);
		parsed.validate();
		return parsed;
	}

	static String text(Letter letter) {
		StringBuilder text = new StringBuilder();
		text.append(letter.transcript() ? "Your conversation with " : "New reply from ")
			.append(clean(letter.shopName()))
			.append("\n\n");
		for (LogEntry entry : letter.entries()) {
			if (entry.kind() != LogEntry.Kind.MESSAGE || entry.body() == null) {
				continue;
			}
			boolean context = !letter.transcript() && entry.seq() < letter.firstNew();
			text.append(context ? "  " : "")
				.append(author(letter, entry))
				.append(", ")
				.append(TIME.format(entry.at()))
				.append(":\n");
			if (!entry.body().isEmpty()) {
				for (String line : entry.body().text().split("\n", -1)) {
					text.append(context ? "  > " : "").append(line).append('\n');
				}
			}
			if (!entry.attachments().isEmpty()) {
				text.append(context ? "  > " : "").append(files(entry)).append('\n');
			}
			text.append('\n');
		}
		text.append("Answer this email to reply");
		if (letter.chatLink() != null) {
			text.append(", or continue in the chat: ").append(letter.chatLink());
		}
		text.append(".\n\n-- \nNo more emails about your conversations with ")
			.append(clean(letter.shopName()))
			.append(": ")
			.append(letter.optOutLink())
			.append('\n');
		return text.toString();
	}

	/**
	 * A message's files by name: the email does not carry them (nor link to them: links
	 * expire, and an email is forwarded), the chat shows them.
	 */
	static String files(LogEntry entry) {
		return "[Files: " + entry.attachments()
			.stream()
			.map((file) -> clean(file.name()))
			.collect(java.util.stream.Collectors.joining(", ")) + " \u2014 open the chat to see them]";
	}

	static String html(Letter letter) {
		String colour = letter.colour().matches("#[0-9a-fA-F]{6}") ? letter.colour() : "#2f6f4f";
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#222;margin:0;padding:0\">")
			.append("<div style=\"background:")
			.append(colour)
			.append(";color:#fff;padding:12px 16px;font-size:18px;font-weight:bold\">")
			.append(escape(clean(letter.shopName())))
			.append("</div><div style=\"padding:16px;max-width:600px\">");
		for (LogEntry entry : letter.entries()) {
			if (entry.kind() != LogEntry.Kind.MESSAGE || entry.body() == null) {
				continue;
			}
			boolean context = !letter.transcript() && entry.seq() < letter.firstNew();
			html.append("<div style=\"margin:0 0 14px;")
				.append(context ? "color:#777;border-left:3px solid #ddd;padding-left:8px" : "")
				.append("\"><div style=\"font-size:12px;color:#666\">")
				.append(escape(author(letter, entry)))
				.append(" &middot; ")
				.append(escape(TIME.format(entry.at())))
				.append("</div><div style=\"white-space:pre-wrap\">")
				.append(escape(entry.body().text()))
				.append("</div>");
			if (!entry.attachments().isEmpty()) {
				html.append("<div style=\"font-size:13px;color:#555\">").append(escape(files(entry))).append("</div>");
			}
			html.append("</div>");
		}
		html.append("<p>Answer this email to reply");
		if (letter.chatLink() != null) {
			html.append(", or <a href=\"")
				.append(escape(letter.chatLink()))
				.append("\" style=\"color:")
				.append(colour)
				.append("\">continue in the chat</a>");
		}
		html.append(".</p><p style=\"font-size:12px;color:#888\"><a href=\"")
			.append(escape(letter.optOutLink()))
			.append("\" style=\"color:#888\">No more emails about your conversations with ")
			.append(escape(clean(letter.shopName())))
			.append("</a></p></div></body></html>");
		return html.toString();
	}

	private static String author(Letter letter, LogEntry entry) {
		return switch (entry.sender().kind()) {
			case VISITOR -> "You";
			case STAFF -> clean(letter.staffNames().getOrDefault(entry.sender().accountId(), letter.shopName()));
			case SYSTEM -> clean(letter.shopName());
		};
	}

	/**
	 * Text for a header or a name: no control characters (no line breaks).
	 */
	static String clean(String text) {
		return CONTROL.matcher(text).replaceAll(" ").strip();
	}

	/**
	 * What a mail server said, as Porchlight logs and stores it: without the email
	 * addresses it quotes (a refusal usually names the recipient, {@code 550 <bob@x>}),
	 * since no address is logged or kept in the clear (docs/security.md).
	 */
	static String withoutAddresses(String text) {
		return ADDRESS.matcher(text).replaceAll("<address>");
	}

	private static String escape(String text) {
		return HtmlUtils.htmlEscape(text, "UTF-8");
	}

	static boolean isStaff(LogEntry entry) {
		return entry.sender().kind() == Sender.Kind.STAFF;
	}

}
