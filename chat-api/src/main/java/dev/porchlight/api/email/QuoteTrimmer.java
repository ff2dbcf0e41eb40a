package dev.porchlight.api.email;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps only what the writer of a reply wrote new: quoted history (attribution lines,
 * Outlook header blocks, {@code >} quotes) and signatures are cut.
 */
public final class QuoteTrimmer {

	private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

	/**
	 * "On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Op … schreef
	 * …:", on one line or joined from up to three.
	 */
	private static final Pattern ATTRIBUTION = Pattern
		.compile("^(?:On\\s.+\\swrote|Am\\s.+\\sschrieb(?:\\s.*)?|Le\\s.+\\sa\\s+écrit|El\\s.+\\sescribió"
				+ "|Op\\s.+\\sschreef(?:\\s.*)?)\\s*:$", FLAGS);

	private static final Pattern ATTRIBUTION_START = Pattern.compile("^(?:On|Am|Le|El|Op)\\s", FLAGS);

	/** An attribution names a date, a time or an address. */
	private static final Pattern ATTRIBUTION_DETAIL = Pattern
		.compile("@|\\d{1,2}:\\d{2}|\\d{4}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}");

	private static final Pattern ORIGINAL_MESSAGE = Pattern.compile("^-{2,}\\s*(?:Original Message|Ursprüngliche "
			+ "Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht)\\s*-{2,}$", FLAGS);

	private static final Pattern UNDERSCORES = Pattern.compile("^_{10,}$");

	private static final Pattern HEADER_FROM = Pattern.compile("^\\*?(?:From|Von|De|Van|Da)\\s*:\\*?\\s*\\S.*", FLAGS);

	private static final Pattern HEADER_DATE = Pattern
		.compile("^\\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha|Verzonden|Verstuurd)\\s*:.*", FLAGS);

	private static final Pattern HEADER_TO = Pattern
		.compile("^\\*?(?:To|Subject|An|Betreff|À|Objet|Para|Asunto|Aan|Onderwerp)\\s*:.*", FLAGS);

	private static final Pattern MOBILE_SIGNATURE = Pattern.compile("^(?:Sent from my .+|Sent from (?:Mail|Outlook|"
			+ "Yahoo Mail|Gmail)\\b.*|Get Outlook for .+|Von meinem .+ gesendet\\.?|Gesendet von meinem .+"
			+ "|Envoyé (?:de|depuis) mon .+|Enviado desde mi .+|Verzonden (?:vanaf|met) mijn .+"
			+ "|Verstuurd vanaf mijn .+)$", FLAGS);

	private static final int MOBILE_SIGNATURE_MAX_LENGTH = 80;

	private static final int MAX_ATTRIBUTION_LENGTH = 400;

	private QuoteTrimmer() {
	}

	/**
	 * The new content of a reply: everything from the first quote marker on is cut,
	 * {@code >} lines are dropped (so an interleaved reply keeps the writer's lines),
	 * signatures are removed. When nothing would be left of a text that had some, the
	 * whole text is returned, so that nothing the writer sent is lost.
	 * @param text the plain text of a mail
	 * @return the new content, with LF line ends, at most two blank lines in a row,
	 * trimmed
	 */
	public static String trim(String text) {
		String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
		String original = tidy(List.of(normalized.split("\n", -1)));
		if (original.isEmpty()) {
			return "";
		}
		String[] lines = normalized.split("\n", -1);
		List<String> kept = new ArrayList<>();
		int i = 0;
		while (i < lines.length) {
			String line = lines[i];
			if (line.equals("-- ") || line.equals("--")) {
				break;
			}
			String stripped = clean(line);
			if (stripped.startsWith(">")) {
				i++;
				boolean runEnds = i >= lines.length || !clean(lines[i]).startsWith(">");
				if (runEnds && (kept.isEmpty() || clean(kept.getLast()).isEmpty())) {
					while (i < lines.length && clean(lines[i]).isEmpty()) {
						i++;
					}
				}
				continue;
			}
			if (ORIGINAL_MESSAGE.matcher(stripped).matches() || outlookSeparator(lines, i) || outlookHeader(lines, i)) {
				break;
			}
			int attribution = attributionLines(lines, i);
			if (attribution > 0) {
				if (!interleaved(lines, i + attribution)) {
					break;
				}
				i += attribution;
				continue;
			}
			kept.add(line);
			i++;
		}
		dropTrailingSignature(kept);
		String result = tidy(kept);
		return result.isEmpty() ? original : result;
	}

	private static String clean(String line) {
		return line.replace('\u00a0', ' ').replace('\u202f', ' ').strip();
	}

	private static boolean outlookSeparator(String[] lines, int index) {
		if (!UNDERSCORES.matcher(clean(lines[index])).matches()) {
			return false;
		}
		for (int i = index + 1; i < lines.length && i <= index + 3; i++) {
			String line = clean(lines[i]);
			if (!line.isEmpty()) {
				return HEADER_FROM.matcher(line).matches();
			}
		}
		return false;
	}

	private static boolean outlookHeader(String[] lines, int index) {
		if (!HEADER_FROM.matcher(clean(lines[index])).matches()) {
			return false;
		}
		boolean date = false;
		boolean to = false;
		for (int i = index + 1; i < lines.length && i <= index + 4; i++) {
			String line = clean(lines[i]);
			date |= HEADER_DATE.matcher(line).matches();
			to |= HEADER_TO.matcher(line).matches();
		}
		return date && to;
	}

	/**
	 * How many lines, from {@code index}, make an attribution line ("On … wrote:"), which
	 * mail programs may wrap; 0 when there is none.
	 */
	private static int attributionLines(String[] lines, int index) {
		String first = clean(lines[index]);
		if (first.length() > MAX_ATTRIBUTION_LENGTH || !ATTRIBUTION_START.matcher(first).find()) {
			return 0;
		}
		StringBuilder joined = new StringBuilder(first);
		for (int count = 1; count <= 3 && joined.length() <= MAX_ATTRIBUTION_LENGTH; count++) {
			if (ATTRIBUTION.matcher(joined).matches() && ATTRIBUTION_DETAIL.matcher(joined).find()) {
				return count;
			}
			int next = index + count;
			if (next >= lines.length) {
				return 0;
			}
			String line = clean(lines[next]);
			if (line.isEmpty() || line.startsWith(">")) {
				return 0;
			}
			joined.append(' ').append(line);
		}
		return 0;
	}

	/**
	 * Whether the quote that follows an attribution line is answered in between: the
	 * writer's own lines come after it.
	 */
	private static boolean interleaved(String[] lines, int from) {
		int i = from;
		while (i < lines.length && clean(lines[i]).isEmpty()) {
			i++;
		}
		if (i >= lines.length || !clean(lines[i]).startsWith(">")) {
			return false;
		}
		while (i < lines.length && (clean(lines[i]).isEmpty() || clean(lines[i]).startsWith(">"))) {
			i++;
		}
		if (i >= lines.length || lines[i].equals("-- ") || lines[i].equals("--")) {
			return false;
		}
		return !isMobileSignature(clean(lines[i]));
	}

	private static void dropTrailingSignature(List<String> lines) {
		while (!lines.isEmpty()) {
			String last = clean(lines.get(lines.size() - 1));
			if (!last.isEmpty() && !isMobileSignature(last)) {
				return;
			}
			lines.remove(lines.size() - 1);
		}
	}

	private static boolean isMobileSignature(String line) {
		return line.length() <= MOBILE_SIGNATURE_MAX_LENGTH && MOBILE_SIGNATURE.matcher(line).matches();
	}

	private static String tidy(List<String> lines) {
		StringBuilder text = new StringBuilder();
		int blank = 0;
		for (String line : lines) {
			String trimmed = line.stripTrailing();
			if (trimmed.isEmpty()) {
				blank++;
				continue;
			}
			if (!text.isEmpty()) {
				text.append("\n".repeat(1 + Math.min(blank, 2)));
			}
			blank = 0;
			text.append(trimmed);
		}
		return text.toString().strip();
	}

}
