package dev.porchlight.api.email;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import org.jspecify.annotations.Nullable;

/**
 * The MIME side of reading an email: a part's type and parameters, its disposition, its
 * charset and decoded content (leniently: a bad encoding gives what can be read, never an
 * exception for the sender's mistake), and format=flowed text joined again. What the
 * parts mean for Porchlight is {@link MailParser}'s (body, quotes, attachments) and
 * {@link Bounces}' (what a bounce reports).
 */
final class MimeParts {

	static final Pattern PARAMETER = Pattern
		.compile("(?i)(?:^|;)\\s*([a-z0-9*_.-]+)\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]*))");

	private static final Pattern META_CHARSET = Pattern
		.compile("(?i)<meta[^>]{0,200}?charset\\s*=\\s*[\"']?([a-z0-9._:-]{1,40})");

	private MimeParts() {
	}

	static @Nullable String header(Part part, String name) {
		try {
			String[] values = part.getHeader(name);
			return (values != null && values.length > 0) ? values[0] : null;
		}
		catch (MessagingException | RuntimeException ex) {
			return null;
		}
	}

	record Type(String base, Map<String, String> parameters) {

		boolean is(String type) {
			return this.base.equals(type);
		}

		boolean multipart() {
			return this.base.startsWith("multipart/");
		}

		@Nullable String parameter(String name) {
			return this.parameters.get(name);
		}

	}

	record Body(String text, boolean html) {

	}

	static Type type(Part part) {
		String raw;
		try {
			raw = part.getContentType();
		}
		catch (MessagingException | RuntimeException ex) {
			raw = header(part, "Content-Type");
		}
		if (raw == null || raw.isBlank()) {
			return new Type("text/plain", Map.of());
		}
		raw = MimeUtility.unfold(raw);
		String base;
		Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		try {
			ContentType contentType = new ContentType(raw);
			base = contentType.getBaseType();
			ParameterList list = contentType.getParameterList();
			if (list != null) {
				for (Enumeration<String> names = list.getNames(); names.hasMoreElements();) {
					String name = names.nextElement();
					String value = list.get(name);
					if (value != null) {
						parameters.put(name, value);
					}
				}
			}
		}
		catch (MessagingException | RuntimeException ex) {
			int semicolon = raw.indexOf(';');
			base = ((semicolon >= 0) ? raw.substring(0, semicolon) : raw);
			Matcher matcher = PARAMETER.matcher((semicolon >= 0) ? raw.substring(semicolon) : "");
			while (matcher.find()) {
				parameters.putIfAbsent(matcher.group(1),
						(matcher.group(2) != null) ? matcher.group(2) : matcher.group(3));
			}
		}
		base = base.strip().toLowerCase(Locale.ROOT);
		if (base.indexOf('/') <= 0) {
			base = "text/plain";
		}
		return new Type(base, parameters);
	}

	static @Nullable String disposition(Part part) {
		String raw = header(part, "Content-Disposition");
		if (raw == null) {
			return null;
		}
		int semicolon = raw.indexOf(';');
		return ((semicolon >= 0) ? raw.substring(0, semicolon) : raw).strip().toLowerCase(Locale.ROOT);
	}

	static Charset charset(@Nullable String name) {
		if (name == null || name.isBlank()) {
			return StandardCharsets.UTF_8;
		}
		String clean = name.strip().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
		switch (clean) {
			case "us-ascii", "ascii", "ansi_x3.4-1968", "utf8", "utf-8" -> {
				return StandardCharsets.UTF_8;
			}
			case "iso-8859-1", "iso8859-1", "latin1", "latin-1" -> {
				return Charset.forName("windows-1252");
			}
			default -> {
				try {
					return Charset.forName(MimeUtility.javaCharset(clean));
				}
				catch (RuntimeException ex) {
					return StandardCharsets.UTF_8;
				}
			}
		}
	}

	/** Whatever can be decoded of a part's content, never failing on a bad encoding. */
	static byte[] content(Part part) throws MessagingException {
		try (InputStream in = part.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException | MessagingException ex) {
			byte[] raw;
			try (InputStream in = rawInputStream(part)) {
				raw = in.readAllBytes();
			}
			catch (IOException rawEx) {
				throw new MessagingException("Unreadable part", rawEx);
			}
			String encoding = header(part, "Content-Transfer-Encoding");
			if (encoding != null && encoding.strip().equalsIgnoreCase("base64")) {
				return lenientBase64(raw);
			}
			return raw;
		}
	}

	private static InputStream rawInputStream(Part part) throws MessagingException {
		if (part instanceof MimeBodyPart bodyPart) {
			return bodyPart.getRawInputStream();
		}
		if (part instanceof MimeMessage message) {
			return message.getRawInputStream();
		}
		throw new MessagingException("Unreadable part");
	}

	private static byte[] lenientBase64(byte[] raw) {
		StringBuilder clean = new StringBuilder(raw.length);
		for (byte b : raw) {
			char c = (char) (b & 0xff);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
				clean.append(c);
			}
		}
		if (clean.length() % 4 == 1) {
			clean.setLength(clean.length() - 1);
		}
		try {
			return Base64.getDecoder().decode(clean.toString());
		}
		catch (IllegalArgumentException ex) {
			return raw;
		}
	}

	static String text(Part part, Type type) throws MessagingException {
		byte[] content = content(part);
		String charset = type.parameter("charset");
		if ((charset == null || charset.isBlank()) && type.is("text/html")) {
			Matcher meta = META_CHARSET
				.matcher(new String(content, 0, Math.min(content.length, 4096), StandardCharsets.ISO_8859_1));
			charset = meta.find() ? meta.group(1) : null;
		}
		String text = new String(content, charset(charset));
		if (type.is("text/plain") && "flowed".equalsIgnoreCase(type.parameter("format"))) {
			text = unflow(text, "yes".equalsIgnoreCase(type.parameter("delsp")));
		}
		return text;
	}

	/** Joins the soft line breaks of format=flowed text (RFC 3676). */
	static String unflow(String text, boolean delSp) {
		List<String> lines = new ArrayList<>();
		StringBuilder current = null;
		int currentDepth = 0;
		for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
			int depth = 0;
			while (depth < line.length() && line.charAt(depth) == '>') {
				depth++;
			}
			String content = line.substring(depth);
			if (content.startsWith(" ")) {
				content = content.substring(1);
			}
			boolean flowed = content.endsWith(" ") && !content.equals("-- ");
			if (current != null && depth != currentDepth) {
				lines.add(quotePrefix(currentDepth) + current);
				current = null;
			}
			if (flowed && delSp) {
				content = content.substring(0, content.length() - 1);
			}
			if (current == null) {
				current = new StringBuilder();
				currentDepth = depth;
			}
			current.append(content);
			if (!flowed) {
				lines.add(quotePrefix(depth) + current);
				current = null;
			}
		}
		if (current != null) {
			lines.add(quotePrefix(currentDepth) + current);
		}
		return String.join("\n", lines);
	}

	static String quotePrefix(int depth) {
		return (depth > 0) ? ">".repeat(depth) + " " : "";
	}

}
