package dev.porchlight.api.email;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porchlight.api.email.MailParser.Headers;
import dev.porchlight.api.email.MailParser.Mailbox;
import dev.porchlight.api.email.MimeParts.Type;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

import static dev.porchlight.api.email.MimeParts.charset;
import static dev.porchlight.api.email.MimeParts.content;
import static dev.porchlight.api.email.MimeParts.header;
import static dev.porchlight.api.email.MimeParts.text;
import static dev.porchlight.api.email.MimeParts.type;

/**
 * What a bounce reports: which address failed, which of our messages it was and the
 * status, read from standard delivery status notifications (RFC 3464) and from common
 * non-standard bounces of mailer daemons. Reading the rest of the email is
 * {@link MailParser}'s.
 */
final class Bounces {

	private static final int MAX_DIAGNOSTIC_LENGTH = 300;

	private static final int MAX_BOUNCE_TEXT = 100_000;

	private static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245]\\.\\d{1,3}\\.\\d{1,3})(?![.\\d])");

	private static final Pattern BOUNCE_SUBJECT = Pattern.compile("^(?:Undelivered Mail Returned to Sender"
			+ "|Delivery Status Notification \\(Failure\\)|Mail delivery failed|Undeliverable:|Undeliverable mail"
			+ "|Returned mail:|failure notice|Delivery Failure)", Pattern.CASE_INSENSITIVE);

	private static final Pattern MESSAGE_ID_IN_TEXT = Pattern.compile("(?im)^[ \\t]*Message-ID:[ \\t]*<([^<>\\s]+)>");

	/** Where the failed address follows, in the text of common non-standard bounces. */
	private static final List<Pattern> FAILED_RECIPIENT_CUES = List.of(
			Pattern.compile("(?im)^[ \\t]*(?:Final|Original)-Recipient:"),
			Pattern.compile("(?m)^<(?=" + MailParser.ADDRESS + ">:)"),
			Pattern.compile("(?i)following address(?:\\(es\\))? failed:"),
			Pattern.compile("(?i)Delivery has failed to these recipients or groups:"),
			Pattern.compile("(?i)following recipients? failed permanently:"),
			Pattern.compile("(?i)(?:wasn't|was not|couldn't be|could not be) delivered to"),
			Pattern.compile("(?i)Your message to"));

	/** The parts of a multipart. */
	@FunctionalInterface
	interface Children {

		List<Part> of(Part part) throws MessagingException;

	}

	private final Children children;

	/**
	 * Reads the bounces of one message.
	 * @param children the parts of a multipart, as its reader parsed them
	 */
	Bounces(Children children) {
		this.children = children;
	}

	/**
	 * What a received message reports: a delivery status notification anywhere in it,
	 * else a non-standard bounce from a mailer daemon; {@code null} when it is neither.
	 */
	@Nullable DeliveryReport report(MimeMessage message, @Nullable Mailbox sender, @Nullable String subject, Headers headers)
			throws MessagingException {
		Part report = findReport(message, 0);
		if (report != null) {
			return deliveryStatus(report);
		}
		else if (looksLikeBounce(sender, subject)) {
			return nonStandardBounce(message, headers);
		}
		else {
			return null;
		}
	}

	/**
	 * What an email that a provider has already parsed reports, from its text alone; only
	 * a non-standard bounce can be recognised, {@code null} otherwise.
	 */
	static @Nullable DeliveryReport fromText(@Nullable Mailbox sender, @Nullable String subject, Headers headers,
			String text) {
		return looksLikeBounce(sender, subject)
				? heuristicBounce(headers, MailParser.truncate(text, MAX_BOUNCE_TEXT), null, null) : null;
	}

	private static boolean looksLikeBounce(@Nullable Mailbox sender, @Nullable String subject) {
		if (sender == null || subject == null) {
			return false;
		}
		String local = sender.address().substring(0, sender.address().indexOf('@'));
		return (local.equals("mailer-daemon") || local.equals("postmaster"))
				&& BOUNCE_SUBJECT.matcher(subject).lookingAt();
	}

	/**
	 * A non-standard bounce: the failed address and the original Message-ID are looked
	 * for in the headers, the text and the original message's headers.
	 */
	private static DeliveryReport heuristicBounce(Headers headers, String text, @Nullable String originalId,
			@Nullable String originalTo) {
		String recipient = MailParser
			.first(MailParser.mailboxes(headers.get("X-Failed-Recipients")).stream().map(Mailbox::address).toList());
		if (recipient == null) {
			recipient = failedRecipientIn(text);
		}
		if (recipient == null) {
			recipient = originalTo;
		}
		String messageId = originalId;
		if (messageId == null) {
			Matcher matcher = MESSAGE_ID_IN_TEXT.matcher(text);
			messageId = matcher.find() ? MailParser.first(MailParser.ids(matcher.group(1))) : null;
		}
		String status = null;
		String diagnostic = null;
		Matcher matcher = STATUS.matcher(text);
		if (matcher.find()) {
			status = matcher.group(1);
			int start = text.lastIndexOf('\n', matcher.start()) + 1;
			int end = text.indexOf('\n', matcher.end());
			diagnostic = MailParser.singleLine(text.substring(start, (end < 0) ? text.length() : end),
					MAX_DIAGNOSTIC_LENGTH);
		}
		// As in a standard report: a 4.x.x status is a temporary failure, which says
		// nothing lasting about the address (a server that gave up retrying, 4.4.7).
		return new DeliveryReport(recipient, messageId, status, diagnostic, status == null || status.startsWith("5"));
	}

	private static @Nullable String failedRecipientIn(String text) {
		for (Pattern cue : FAILED_RECIPIENT_CUES) {
			Matcher matcher = cue.matcher(text);
			if (matcher.find()) {
				String after = text.substring(matcher.end(), Math.min(text.length(), matcher.end() + 200));
				Matcher address = MailParser.ANY_ADDRESS.matcher(after);
				if (address.find()) {
					String found = MailParser.address(address.group());
					if (found != null) {
						return found;
					}
				}
			}
		}
		return null;
	}

	/** Fields of a message/delivery-status body: groups separated by blank lines. */
	private static List<Map<String, String>> fieldGroups(String text) {
		List<Map<String, String>> groups = new ArrayList<>();
		Map<String, String> group = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		String last = null;
		for (String line : text.split("\r\n|\r|\n")) {
			if (line.isBlank()) {
				if (!group.isEmpty()) {
					groups.add(group);
					group = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
				}
				last = null;
			}
			else if (Character.isWhitespace(line.charAt(0))) {
				if (last != null) {
					group.put(last, group.get(last) + " " + line.strip());
				}
			}
			else {
				int colon = line.indexOf(':');
				String name = (colon > 0) ? line.substring(0, colon).strip() : null;
				last = null;
				if (name != null && !group.containsKey(name)) {
					group.put(name, line.substring(colon + 1).strip());
					last = name;
				}
			}
		}
		if (!group.isEmpty()) {
			groups.add(group);
		}
		return groups;
	}

	private static @Nullable String withoutType(@Nullable String value) {
		if (value == null) {
			return null;
		}
		int semicolon = value.indexOf(';');
		return (semicolon >= 0) ? value.substring(semicolon + 1).strip() : value.strip();
	}

	private @Nullable Part findReport(Part part, int depth) throws MessagingException {
		if (depth > MailParser.MAX_DEPTH) {
			return null;
		}
		Type type = type(part);
		if (type.is("multipart/report") && "delivery-status".equalsIgnoreCase(type.parameter("report-type"))) {
			return part;
		}
		if (type.multipart()) {
			for (Part child : this.children.of(part)) {
				Part found = findReport(child, depth + 1);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	/** The report of a DSN whose action is failed; null for other actions. */
	private @Nullable DeliveryReport deliveryStatus(Part report) throws MessagingException {
		Map<String, String> failed = null;
		for (Part child : this.children.of(report)) {
			Type type = type(child);
			if (!type.is("message/delivery-status") && !type.is("message/global-delivery-status")) {
				continue;
			}
			String fields = new String(content(child), charset(type.parameter("charset")));
			for (Map<String, String> group : fieldGroups(fields)) {
				String action = group.get("Action");
				String status = group.get("Status");
				boolean isFailed = (action != null) ? MailParser.firstToken(action).equals("failed")
						: (status != null && status.strip().startsWith("5") && group.containsKey("Final-Recipient"));
				if (isFailed) {
					failed = group;
					break;
				}
			}
			if (failed != null) {
				break;
			}
		}
		if (failed == null) {
			return null;
		}
		String recipientField = failed.containsKey("Final-Recipient") ? failed.get("Final-Recipient")
				: failed.get("Original-Recipient");
		String recipient = MailParser.address(withoutType(recipientField));
		String statusField = failed.get("Status");
		Matcher matcher = STATUS.matcher((statusField != null) ? statusField : "");
		String status = matcher.find() ? matcher.group(1) : null;
		String diagnostic = MailParser.singleLine(withoutType(failed.get("Diagnostic-Code")), MAX_DIAGNOSTIC_LENGTH);
		boolean permanent = (status != null) ? status.startsWith("5") : true;
		Original original = original(report, 0);
		return new DeliveryReport(recipient, (original != null) ? original.messageId() : null, status, diagnostic,
				permanent);
	}

	private DeliveryReport nonStandardBounce(MimeMessage message, Headers headers) throws MessagingException {
		StringBuilder text = new StringBuilder();
		collectText(message, 0, text);
		Original original = original(message, 0);
		return heuristicBounce(headers, MailParser.truncate(text.toString(), MAX_BOUNCE_TEXT),
				(original != null) ? original.messageId() : null, (original != null) ? original.to() : null);
	}

	/** All the text of a bounce, attachments included, but not attached messages. */
	private void collectText(Part part, int depth, StringBuilder text) throws MessagingException {
		if (depth > MailParser.MAX_DEPTH || text.length() > MAX_BOUNCE_TEXT) {
			return;
		}
		Type type = type(part);
		if (type.is("text/plain")) {
			text.append(MailParser.cleanText(text(part, type))).append('\n');
		}
		else if (type.is("text/html")) {
			text.append(MailParser.cleanText(HtmlText.toText(text(part, type)))).append('\n');
		}
		else if (type.multipart()) {
			for (Part child : this.children.of(part)) {
				collectText(child, depth + 1, text);
			}
		}
	}

	/** The headers of the original message that a bounce returns. */
	private @Nullable Original original(Part part, int depth) throws MessagingException {
		if (depth > MailParser.MAX_DEPTH) {
			return null;
		}
		Type type = type(part);
		if (depth > 0 && (type.is("message/rfc822") || type.is("message/global"))) {
			MimeMessage original = new MimeMessage(MailParser.SESSION, new ByteArrayInputStream(content(part)));
			return original(header(original, "Message-ID"), header(original, "To"));
		}
		if (depth > 0 && (type.is("text/rfc822-headers") || type.is("message/global-headers"))) {
			InternetHeaders original = new InternetHeaders(new ByteArrayInputStream(content(part)));
			return original(original.getHeader("Message-ID", null), original.getHeader("To", null));
		}
		if (type.multipart()) {
			for (Part child : this.children.of(part)) {
				Original found = original(child, depth + 1);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static Original original(@Nullable String messageId, @Nullable String to) {
		List<Mailbox> recipients = MailParser.mailboxes(to);
		return new Original(MailParser.first(MailParser.ids(messageId)),
				recipients.isEmpty() ? null : recipients.get(0).address());
	}

	private record Original(@Nullable String messageId, @Nullable String to) {

	}

}
