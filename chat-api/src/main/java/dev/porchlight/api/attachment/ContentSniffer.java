package dev.porchlight.api.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a file is, from its content only: images, PDF and HEIF by their signatures, plain
 * text by reading it all as UTF-8 (streaming, never the whole file at once). The name and
 * the {@code Content-Type} a browser sent are never looked at.
 */
final class ContentSniffer {

	/** Bytes read for the signatures. */
	static final int HEAD_LENGTH = 64;

	/** Characters looked at for markup at the start of a text. */
	private static final int MARKUP_WINDOW = 64;

	private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	private static final Set<String> HEIC_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm",
			"hevs", "mif1", "msf1");

	private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

	/** Starts of HTML, SVG and XML documents, lower case. */
	private static final List<String> MARKUP = List.of("<!doctype", "<html", "<svg", "<?xml", "<script", "<head",
			"<body", "<iframe", "<!--", "<meta", "<style", "<object", "<embed", "<title", "<link", "<base", "<form",
			"<xsl:", "<rdf:");

	/** HTML tags that browsers sniff as HTML when followed by a space or {@code >}. */
	private static final List<String> MARKUP_TAGS = List.of("<a", "<b", "<p", "<br", "<div", "<font", "<h1", "<table");

	static final String UNSUPPORTED = "Only JPEG, PNG, WebP and GIF images, PDF and plain-text files can be sent.";

	static final String MARKUP_REFUSED = "HTML, SVG and XML files can't be sent.";

	static final String HEIC_REFUSED = "HEIC photos can't be read here. Please send them as JPEG "
			+ "(on an iPhone: Settings › Camera › Formats › Most Compatible).";

	static final String AVIF_REFUSED = "AVIF pictures can't be read here. Please send them as JPEG or PNG.";

	private ContentSniffer() {
	}

	/**
	 * What a file is.
	 * @param file the file
	 * @return its kind
	 * @throws AttachmentRejectedException {@code unsupported_type} when it is none of the
	 * kinds that can be sent
	 * @throws IOException when the file cannot be read
	 */
	static Kind sniff(Path file) throws IOException {
		byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			head = in.readNBytes(HEAD_LENGTH);
		}
		Kind kind = bySignature(head);
		if (kind != null) {
			return kind;
		}
		refuseIsoMedia(head);
		if (head.length > 0 && isText(file)) {
			return Kind.TEXT;
		}
		throw new AttachmentRejectedException("unsupported_type", UNSUPPORTED);
	}

	private static @Nullable Kind bySignature(byte[] head) {
		if (startsWith(head, 0, (byte) 0xff, (byte) 0xd8, (byte) 0xff)) {
			return Kind.JPEG;
		}
		if (startsWith(head, 0, PNG)) {
			return Kind.PNG;
		}
		if (startsWithAscii(head, 0, "GIF87a") || startsWithAscii(head, 0, "GIF89a")) {
			return Kind.GIF;
		}
		if (startsWithAscii(head, 0, "RIFF") && startsWithAscii(head, 8, "WEBP")) {
			return Kind.WEBP;
		}
		if (startsWithAscii(head, 0, "%PDF-")) {
			return Kind.PDF;
		}
		return null;
	}

	/**
	 * Refuses HEIC, HEIF and AVIF pictures (ISO base media files whose major or a
	 * compatible brand says so) with a hint to send JPEG.
	 */
	private static void refuseIsoMedia(byte[] head) {
		if (!startsWithAscii(head, 4, "ftyp") || head.length < 12) {
			return;
		}
		long boxSize = ((head[0] & 0xffL) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8)
				| (head[3] & 0xff);
		int end = (int) Math.min(head.length, (boxSize < 16) ? 12 : boxSize);
		for (int offset = 8; offset + 4 <= end; offset += 4) {
			if (offset == 12) {
				continue; // minor version
			}
			String brand = new String(head, offset, 4, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
			if (HEIC_BRANDS.contains(brand)) {
				throw new AttachmentRejectedException("unsupported_type", HEIC_REFUSED);
			}
			if (AVIF_BRANDS.contains(brand)) {
				throw new AttachmentRejectedException("unsupported_type", AVIF_REFUSED);
			}
		}
	}

	/**
	 * Whether the whole file is UTF-8 text (a byte order mark allowed) without control
	 * characters other than tab, line feed, form feed and carriage return.
	 * @throws AttachmentRejectedException {@code unsupported_type} when the text starts
	 * like HTML, SVG or XML
	 */
	private static boolean isText(Path file) throws IOException {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer bytes = ByteBuffer.allocate(8192);
		CharBuffer chars = CharBuffer.allocate(8192);
		TextScan scan = new TextScan();
		try (InputStream in = Files.newInputStream(file)) {
			boolean endOfInput = false;
			while (!endOfInput) {
				int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
				endOfInput = read < 0;
				if (read > 0) {
					bytes.position(bytes.position() + read);
				}
				bytes.flip();
				CoderResult result;
				do {
					result = decoder.decode(bytes, chars, endOfInput);
					if (result.isError() || !scan.accept(chars)) {
						return false;
					}
				}
				while (result.isOverflow());
				bytes.compact();
			}
			CoderResult result;
			do {
				result = decoder.flush(chars);
				if (result.isError() || !scan.accept(chars)) {
					return false;
				}
			}
			while (result.isOverflow());
		}
		if (looksLikeMarkup(scan.start.toString())) {
			throw new AttachmentRejectedException("unsupported_type", MARKUP_REFUSED);
		}
		return true;
	}

	private static boolean isControl(char c) {
		if (c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			return false;
		}
		return c < 0x20 || (c >= 0x7f && c <= 0x9f);
	}

	private static boolean isSpace(char c) {
		return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
	}

	private static boolean looksLikeMarkup(String start) {
		String lower = start.toLowerCase(Locale.ROOT);
		for (String markup : MARKUP) {
			if (lower.startsWith(markup)) {
				return true;
			}
		}
		for (String tag : MARKUP_TAGS) {
			if (lower.startsWith(tag) && lower.length() > tag.length()) {
				char next = lower.charAt(tag.length());
				if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\f') {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean startsWith(byte[] head, int offset, byte... prefix) {
		if (head.length < offset + prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (head[offset + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static boolean startsWithAscii(byte[] head, int offset, String prefix) {
		return startsWith(head, offset, prefix.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The characters of a text as they are decoded: no control characters, and the start
	 * kept (after a byte order mark and white space) to look for markup.
	 */
	private static final class TextScan {

		private final StringBuilder start = new StringBuilder();

		private boolean atStart = true;

		/**
		 * Takes the decoded characters out of the buffer.
		 * @param chars the buffer, being filled
		 * @return whether they are all text
		 */
		boolean accept(CharBuffer chars) {
			chars.flip();
			try {
				while (chars.hasRemaining()) {
					char c = chars.get();
					if (this.atStart) {
						this.atStart = false;
						if (c == '\uFEFF') {
							continue;
						}
					}
					if (isControl(c)) {
						return false;
					}
					if (this.start.length() < MARKUP_WINDOW && (!this.start.isEmpty() || !isSpace(c))) {
						this.start.append(c);
					}
				}
				return true;
			}
			finally {
				chars.clear();
			}
		}

	}

	/**
	 * The kinds of files that can be sent.
	 */
	enum Kind {

		/** A JPEG picture. */
		JPEG,

		/** A PNG picture. */
		PNG,

		/** A GIF picture, maybe animated. */
		GIF,

		/** A WebP picture (served as JPEG or PNG). */
		WEBP,

		/** A PDF document. */
		PDF,

		/** UTF-8 plain text. */
		TEXT

	}

}
