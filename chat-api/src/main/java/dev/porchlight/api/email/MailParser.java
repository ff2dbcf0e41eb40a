package dev.porchlight.api.email;

import java.io.ByteArrayInputStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porchlight.api.email.MimeParts.Body;
import dev.porchlight.api.email.MimeParts.Type;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import org.jspecify.annotations.Nullable;

import static dev.porchlight.api.email.MimeParts.disposition;
import static dev.porchlight.api.email.MimeParts.header;
import static dev.porchlight.api.email.MimeParts.text;
import static dev.porchlight.api.email.MimeParts.type;

/**
 * Reads a received email (RFC 5322 / MIME) into an {@link InboundEmail}: its addresses
 * and thread ids, the new text of its body, the names of its attachments, whether it was
 * sent automatically, and what it reports when it is a bounce. Nothing is fetched and no
 * network is used. Malformed input only ever makes it throw
 * {@link IllegalArgumentException}.
 */
public final class MailParser {

	static final Session SESSION = Session.getInstance(new Properties());

	static final int MAX_DEPTH = 16;

	private static final int MAX_PARTS = 500;

	private static final int MAX_HEADER_LENGTH = 998;

	private static final int MAX_FILE_NAME_LENGTH = 255;

	private static final List<String> RECIPIENT_HEADERS = List.of("To", "Cc", "Delivered-To", "X-Original-To",
			"Envelope-To");

	/** Headers of which an email has at least one. */
	private static final Set<String> EMAIL_HEADERS = Set.of("from", "sender", "to", "cc", "bcc", "subject", "date",
			"message-id", "mime-version", "received", "return-path", "delivered-to", "reply-to", "in-reply-to",
			"references", "x-original-to", "envelope-to", "content-type");

	private static final Set<String> AUTOMATIC_PRECEDENCE = Set.of("bulk", "junk", "auto_reply", "list");

	private static final Pattern CONTROLS = Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");

	private static final Pattern TEXT_CONTROLS = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|\\ufeff");

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	private static final Pattern BRACKETED_ID = Pattern.compile("<([^<>]*)>");

	static final String ADDRESS = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?";

	static final Pattern ANY_ADDRESS = Pattern.compile(ADDRESS);

	private MailParser() {
	}

	/**
	 * Parses a raw email.
	 * @param rfc822 the message, as received (RFC 5322, MIME)
	 * @return what it says
	 * @throws IllegalArgumentException when it is not an email
	 */
	public static InboundEmail parse(byte[] rfc822) {
		if (rfc822 == null || rfc822.length == 0) {
			throw new IllegalArgumentException("Empty email");
		}
		MimeMessage message;
		try {
			message = new MimeMessage(SESSION, new ByteArrayInputStream(rfc822));
		}
		catch (MessagingException | RuntimeException ex) {
			throw malformed(ex);
		}
		return parse(message);
	}

	/**
	 * Parses an email already read by Jakarta Mail (from IMAP, for example).
	 * @param message the message
	 * @return what it says
	 * @throws IllegalArgumentException when it is not an email
	 */
	public static InboundEmail parse(MimeMessage message) {
		try {
			return new Reader().read(message);
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (MessagingException | RuntimeException ex) {
			throw malformed(ex);
		}
	}

	/**
	 * An email that a provider has already parsed (posted to a webhook).
	 * @param messageId its Message-ID, with or without angle brackets
	 * @param from its From header: {@code a@b} or {@code "Name" <a@b>}
	 * @param recipients the addresses it was sent to (each may be a list)
	 * @param subject its subject
	 * @param inReplyTo its raw In-Reply-To header
	 * @param references its raw References header
	 * @param text its plain text body, preferred
	 * @param html its HTML body, used when there is no text
	 * @param attachmentNames the file names of its attachments
	 * @param headers its headers (names case-insensitive), for what is not given above
	 * and to recognise automatic mail
	 * @return what it says
	 * @throws IllegalArgumentException when something cannot be read
	 */
	public static InboundEmail fromParts(@Nullable String messageId, @Nullable String from, List<String> recipients,
			@Nullable String subject, @Nullable String inReplyTo, @Nullable String references, @Nullable String text,
			@Nullable String html, List<String> attachmentNames, Map<String, String> headers) {
		try {
			Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			headers.forEach((name, value) -> {
				if (name != null && value != null) {
					byName.putIfAbsent(name, value);
				}
			});
			Headers lookup = byName::get;
			List<Mailbox> senders = mailboxes((from != null) ? from : lookup.get("From"));
			Mailbox sender = senders.isEmpty() ? null : senders.get(0);
			Set<String> addresses = new LinkedHashSet<>();
			for (String recipient : recipients) {
				mailboxes(recipient).forEach((mailbox) -> addresses.add(mailbox.address()));
			}
			for (String name : RECIPIENT_HEADERS) {
				mailboxes(lookup.get(name)).forEach((mailbox) -> addresses.add(mailbox.address()));
			}
			String decodedSubject = headerText((subject != null) ? subject : lookup.get("Subject"));
			String body;
			if (text != null && !text.isBlank()) {
				body = text;
			}
			else if (html != null) {
				body = HtmlText.toText(html);
			}
			else {
				body = "";
			}
			body = cleanText(body);
			DeliveryReport bounce = Bounces.fromText(sender, decodedSubject, lookup, body);
			List<String> attachments = new ArrayList<>();
			for (String name : attachmentNames) {
				String clean = fileName(name);
				if (clean != null) {
					attachments.add(clean);
				}
			}
			return new InboundEmail(first(ids((messageId != null) ? messageId : lookup.get("Message-ID"))),
					(sender != null) ? sender.address() : null, (sender != null) ? sender.name() : null,
					List.copyOf(addresses), decodedSubject,
					ids((inReplyTo != null) ? inReplyTo : lookup.get("In-Reply-To")),
					ids((references != null) ? references : lookup.get("References")), QuoteTrimmer.trim(body),
					attachments, automatic(lookup), bounce);
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw malformed(ex);
		}
	}

	private static IllegalArgumentException malformed(Exception ex) {
		return new IllegalArgumentException("Malformed email", ex);
	}

	// Headers

	@FunctionalInterface
	interface Headers {

		@Nullable String get(String name);

	}

	record Mailbox(String address, @Nullable String name) {

	}

	private static List<String> headers(Part part, String name) {
		try {
			String[] values = part.getHeader(name);
			return (values != null) ? List.of(values) : List.of();
		}
		catch (MessagingException | RuntimeException ex) {
			return List.of();
		}
	}

	/** A header as text on one line: unfolded, RFC 2047 decoded, without controls. */
	static @Nullable String headerText(@Nullable String raw) {
		if (raw == null) {
			return null;
		}
		String unfolded = MimeUtility.unfold(raw);
		String decoded;
		try {
			decoded = MimeUtility.decodeText(unfolded);
		}
		catch (UnsupportedEncodingException | RuntimeException ex) {
			decoded = unfolded;
		}
		return singleLine(decoded, MAX_HEADER_LENGTH);
	}

	static @Nullable String singleLine(@Nullable String value, int maxLength) {
		if (value == null) {
			return null;
		}
		String line = WHITESPACE.matcher(CONTROLS.matcher(value).replaceAll(" ")).replaceAll(" ").strip();
		line = truncate(line, maxLength).strip();
		return line.isEmpty() ? null : line;
	}

	static String truncate(String value, int maxLength) {
		return (value.length() <= maxLength) ? value : value.substring(0, maxLength);
	}

	/**
	 * The mailboxes of an address header, leniently: what Jakarta Mail cannot parse is
	 * searched for addresses.
	 */
	static List<Mailbox> mailboxes(@Nullable String raw) {
		if (raw == null || raw.isBlank()) {
			return List.of();
		}
		String value = MimeUtility.unfold(raw);
		List<Mailbox> mailboxes = new ArrayList<>();
		try {
			for (InternetAddress parsed : InternetAddress.parseHeader(value, false)) {
				if (parsed.isGroup()) {
					InternetAddress[] members = parsed.getGroup(false);
					for (InternetAddress member : (members != null) ? members : new InternetAddress[0]) {
						add(mailboxes, member);
					}
				}
				else {
					add(mailboxes, parsed);
				}
			}
		}
		catch (AddressException | RuntimeException ex) {
			mailboxes.clear();
			Matcher matcher = ANY_ADDRESS.matcher(truncate(value, 4000));
			while (matcher.find()) {
				String address = address(matcher.group());
				if (address != null) {
					mailboxes.add(new Mailbox(address, null));
				}
			}
		}
		return mailboxes;
	}

	private static void add(List<Mailbox> mailboxes, InternetAddress parsed) {
		String address = address(parsed.getAddress());
		if (address != null) {
			mailboxes.add(new Mailbox(address, singleLine(parsed.getPersonal(), MAX_HEADER_LENGTH)));
		}
	}

	/**
	 * An email address, lower-cased, or {@code null} when it is not one: one {@code @}
	 * with something on both sides, no whitespace, controls or delimiters, at most 254
	 * characters.
	 */
	static @Nullable String address(@Nullable String raw) {
		if (raw == null) {
			return null;
		}
		String address = raw.strip();
		if (address.startsWith("<") && address.endsWith(">")) {
			address = address.substring(1, address.length() - 1).strip();
		}
		if (address.isEmpty() || address.length() > 254) {
			return null;
		}
		for (int i = 0; i < address.length(); i++) {
			char c = address.charAt(i);
			if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
					|| "<>,;:\"()[]\\".indexOf(c) >= 0) {
				return null;
			}
		}
		int at = address.indexOf('@');
		if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1) {
			return null;
		}
		return address.toLowerCase(Locale.ROOT);
	}

	/** Message ids, without angle brackets, in order, without duplicates. */
	static List<String> ids(@Nullable String raw) {
		if (raw == null || raw.isBlank()) {
			return List.of();
		}
		String value = MimeUtility.unfold(raw);
		Set<String> ids = new LinkedHashSet<>();
		Matcher matcher = BRACKETED_ID.matcher(value);
		boolean bracketed = false;
		while (matcher.find()) {
			bracketed = true;
			addId(ids, matcher.group(1));
		}
		if (!bracketed) {
			for (String token : value.split("[\\s,]+")) {
				addId(ids, token);
			}
		}
		return List.copyOf(ids);
	}

	private static void addId(Set<String> ids, String raw) {
		String id = WHITESPACE.matcher(CONTROLS.matcher(raw).replaceAll(""))
			.replaceAll("")
			.replace("<", "")
			.replace(">", "");
		if (!id.isEmpty() && id.length() <= MAX_HEADER_LENGTH) {
			ids.add(id);
		}
	}

	static @Nullable String first(List<String> values) {
		return values.isEmpty() ? null : values.get(0);
	}

	private static boolean automatic(Headers headers) {
		String autoSubmitted = headers.get("Auto-Submitted");
		if (autoSubmitted != null && !firstToken(autoSubmitted).equals("no")) {
			return true;
		}
		if (headers.get("X-Autoreply") != null || headers.get("X-Autorespond") != null) {
			return true;
		}
		String precedence = headers.get("Precedence");
		return precedence != null && AUTOMATIC_PRECEDENCE.contains(firstToken(precedence));
	}

	static String firstToken(String value) {
		String token = MimeUtility.unfold(value).strip().toLowerCase(Locale.ROOT);
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c == ';' || c == '(' || Character.isWhitespace(c)) {
				return token.substring(0, i);
			}
		}
		return token;
	}

	/** A file name, decoded, without any path, controls or surrounding whitespace. */
	private static @Nullable String fileName(@Nullable String raw) {
		String name = headerText(raw);
		if (name == null) {
			return null;
		}
		name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
		name = truncate(name, MAX_FILE_NAME_LENGTH).strip();
		return name.isEmpty() ? null : name;
	}

	static String cleanText(String text) {
		return TEXT_CONTROLS.matcher(text.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("");
	}

	private static @Nullable String fileName(Part part) {
		String name;
		try {
			name = part.getFileName();
		}
		catch (MessagingException | RuntimeException ex) {
			name = null;
			for (String header : List.of("Content-Disposition", "Content-Type")) {
				String raw = MimeParts.header(part, header);
				Matcher matcher = MimeParts.PARAMETER.matcher((raw != null) ? MimeUtility.unfold(raw) : "");
				while (name == null && matcher.find()) {
					String parameter = matcher.group(1).toLowerCase(Locale.ROOT);
					if (parameter.equals("filename") || parameter.equals("name")) {
						name = (matcher.group(2) != null) ? matcher.group(2) : matcher.group(3);
					}
				}
			}
		}
		return fileName(name);
	}

	private static boolean isAttachment(Part part) {
		return "attachment".equals(disposition(part))
				|| (fileName(part) != null && !type(part).base().startsWith("text/"));
	}

	/** Reads one message, keeping the multiparts it parsed. */
	private static final class Reader {

		private final Map<Part, List<Part>> children = new IdentityHashMap<>();

		private int parts;

		InboundEmail read(MimeMessage message) throws MessagingException {
			if (!looksLikeEmail(message)) {
				throw new IllegalArgumentException("Not an email");
			}
			Headers headers = (name) -> header(message, name);
			List<Mailbox> senders = mailboxes(headers.get("From"));
			Mailbox sender = senders.isEmpty() ? null : senders.get(0);
			Set<String> recipients = new LinkedHashSet<>();
			for (String name : RECIPIENT_HEADERS) {
				for (String value : headers(message, name)) {
					mailboxes(value).forEach((mailbox) -> recipients.add(mailbox.address()));
				}
			}
			String subject = headerText(headers.get("Subject"));
			List<String> attachments = new ArrayList<>();
			collectAttachments(message, 0, attachments);
			Body body = select(message, 0);
			String text = (body != null) ? cleanText(body.text()) : "";
			Type type = type(message);
			DeliveryReport bounce = new Bounces(this::children).report(message, sender, subject, headers);
			boolean automatic = automatic(headers) || type.is("multipart/report");
			return new InboundEmail(first(ids(headers.get("Message-ID"))), (sender != null) ? sender.address() : null,
					(sender != null) ? sender.name() : null, List.copyOf(recipients), subject,
					ids(headers.get("In-Reply-To")), ids(headers.get("References")), QuoteTrimmer.trim(text),
					attachments, automatic, bounce);
		}

		private boolean looksLikeEmail(MimeMessage message) throws MessagingException {
			for (Enumeration<Header> all = message.getAllHeaders(); all.hasMoreElements();) {
				Header header = all.nextElement();
				if (EMAIL_HEADERS.contains(header.getName().strip().toLowerCase(Locale.ROOT))) {
					return true;
				}
			}
			return false;
		}

		private List<Part> children(Part part) throws MessagingException {
			List<Part> cached = this.children.get(part);
			if (cached != null) {
				return cached;
			}
			Multipart multipart = (part instanceof MimePart mimePart)
					? new MimeMultipart(new MimePartDataSource(mimePart))
					: new MimeMultipart(part.getDataHandler().getDataSource());
			List<Part> list = new ArrayList<>();
			int count = multipart.getCount();
			for (int i = 0; i < count && this.parts < MAX_PARTS; i++, this.parts++) {
				list.add(multipart.getBodyPart(i));
			}
			this.children.put(part, list);
			return list;
		}

		private void collectAttachments(Part part, int depth, List<String> attachments) throws MessagingException {
			if (depth > MAX_DEPTH) {
				return;
			}
			if (isAttachment(part)) {
				String name = fileName(part);
				attachments.add((name != null) ? name : "attachment");
				return;
			}
			if (type(part).multipart()) {
				for (Part child : children(part)) {
					collectAttachments(child, depth + 1, attachments);
				}
			}
		}

		/**
		 * The body of a part: alternatives prefer text/plain, related parts their first
		 * part, other multiparts their first text that is not an attachment.
		 */
		private @Nullable Body select(Part part, int depth) throws MessagingException {
			if (depth > MAX_DEPTH || isAttachment(part)) {
				return null;
			}
			Type type = type(part);
			if (type.is("text/plain")) {
				return new Body(text(part, type), false);
			}
			if (type.is("text/html")) {
				return new Body(HtmlText.toText(text(part, type)), true);
			}
			if (!type.multipart()) {
				return null;
			}
			List<Part> children = children(part);
			if (type.is("multipart/related")) {
				return children.isEmpty() ? null : select(children.get(0), depth + 1);
			}
			boolean alternative = type.is("multipart/alternative");
			Body best = null;
			int bestRank = -1;
			for (Part child : children) {
				Body body = select(child, depth + 1);
				if (body == null) {
					continue;
				}
				int rank = (body.text().isBlank() ? 0 : 2) + ((alternative && !body.html()) ? 1 : 0);
				if (rank > bestRank) {
					best = body;
					bestRank = rank;
				}
				if (rank >= (alternative ? 3 : 2)) {
					break;
				}
			}
			return best;
		}

	}

}
