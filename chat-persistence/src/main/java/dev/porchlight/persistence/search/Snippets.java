package dev.porchlight.persistence.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.SearchTerms;

/**
 * Snippets cut from the raw text of a message, never from a rewritten copy: every
 * character the customer typed comes back as typed (markup included) in text segments,
 * and the words that matched are marked. Which words match is decided by the database
 * with the same normalisation as the index; this class only splits text into words and
 * picks the part worth showing.
 */
final class Snippets {

	/** Messages up to this many characters are shown whole. */
	static final int WHOLE = 240;

	/** Characters shown before the first match of a longer message. */
	static final int BEFORE = 60;

	private Snippets() {
	}

	/**
	 * The words of a text as the highlighter checks them: runs of letters, digits and
	 * combining marks, and each emoji on its own.
	 * @param text the text
	 * @return the words with where they are
	 */
	static List<Word> words(String text) {
		List<Word> words = new ArrayList<>();
		int start = -1;
		int i = 0;
		while (i < text.length()) {
			int c = text.codePointAt(i);
			int next = i + Character.charCount(c);
			boolean emoji = SearchTerms.isEmoji(c);
			boolean wordChar = !emoji
					&& (Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
							|| Character.getType(c) == Character.COMBINING_SPACING_MARK);
			if (wordChar) {
				start = (start < 0) ? i : start;
			}
			else {
				if (start >= 0) {
					words.add(new Word(start, i, text.substring(start, i)));
					start = -1;
				}
				if (emoji) {
					words.add(new Word(i, next, text.substring(i, next)));
				}
			}
			i = next;
		}
		if (start >= 0) {
			words.add(new Word(start, text.length(), text.substring(start)));
		}
		return words;
	}

	/**
	 * The part of a message worth showing, as segments.
	 * @param text the message
	 * @param matching the words that match the query
	 * @return segments whose texts, joined, are a piece of the message (with
	 * {@value ConversationHit#GAP} where something was left out)
	 */
	static List<ConversationHit.Segment> of(String text, Set<String> matching) {
		List<Word> matches = words(text).stream().filter((word) -> matching.contains(word.text())).toList();
		int from = 0;
		int to = text.length();
		if (text.length() > WHOLE) {
			int first = matches.isEmpty() ? 0 : matches.get(0).start();
			from = wordStart(text, Math.max(0, first - BEFORE));
			to = wordEnd(text, Math.min(text.length(), from + WHOLE));
		}
		List<ConversationHit.Segment> segments = new ArrayList<>();
		if (from > 0) {
			segments.add(new ConversationHit.Segment("…", false));
		}
		int at = from;
		for (Word match : matches) {
			if (match.start() < from || match.end() > to) {
				continue;
			}
			if (match.start() > at) {
				segments.add(new ConversationHit.Segment(text.substring(at, match.start()), false));
			}
			segments.add(new ConversationHit.Segment(match.text(), true));
			at = match.end();
		}
		if (at < to) {
			segments.add(new ConversationHit.Segment(text.substring(at, to), false));
		}
		if (to < text.length()) {
			segments.add(new ConversationHit.Segment("…", false));
		}
		return segments;
	}

	/** Moves a cut back to the start of the word it falls into. */
	private static int wordStart(String text, int at) {
		int i = at;
		while (i > 0 && !Character.isWhitespace(text.charAt(i - 1)) && at - i < 20) {
			i--;
		}
		int start = (i > 0 && !Character.isWhitespace(text.charAt(i - 1))) ? at : i;
		return (start > 0 && Character.isLowSurrogate(text.charAt(start))) ? start - 1 : start;
	}

	/** Moves a cut forward to the end of the word it falls into, never into a pair. */
	private static int wordEnd(String text, int at) {
		int i = at;
		while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && i - at < 20) {
			i++;
		}
		if (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
			i = at;
		}
		if (i > 0 && i < text.length() && Character.isHighSurrogate(text.charAt(i - 1))) {
			i--;
		}
		return i;
	}

	/**
	 * A word of a message.
	 *
	 * @param start where it starts
	 * @param end where it ends
	 * @param text the word as typed
	 */
	record Word(int start, int end, String text) {
	}

}
