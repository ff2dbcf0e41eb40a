package dev.porchlight.domain.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an owner typed into the search box, as clauses that must all hold for a
 * conversation to match. Web-search syntax: words, {@code "quoted phrases"},
 * {@code -excluded} words or phrases, {@code or} between two alternatives.
 *
 * <ul>
 * <li>A word with punctuation inside is a phrase of its parts, since the index splits
 * text the same way: {@code ZX-99812} is the phrase {@code ZX 99812},
 * {@code ada@example.com} is {@code ada example com}, {@code T-shirt} is
 * {@code T shirt}.</li>
 * <li>Emoji are terms of their own.</li>
 * <li>A number with 6 or more digits, or a run of number groups that looks like a phone
 * number ({@code +1 (415) 555-0134}, {@code 555 0134}, {@code 030 1234567}), also matches
 * a customer whose phone number ends with those digits.</li>
 * </ul>
 *
 * @param clauses the clauses, in the order typed
 */
public record SearchTerms(List<Clause> clauses) {

	/** Fewer digits than this are never taken for a phone number. */
	public static final int PHONE_DIGITS = 6;

	public SearchTerms {
		clauses = List.copyOf(clauses);
	}

	/**
	 * Reads a query.
	 * @param text what was typed
	 * @return its clauses; none if nothing searchable was typed
	 */
	public static SearchTerms parse(String text) {
		List<Token> tokens = tokens(text);
		List<Clause> clauses = new ArrayList<>();
		boolean or = false;
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (!token.quoted && !token.negated && token.text.equalsIgnoreCase("or")) {
				or = !clauses.isEmpty();
				continue;
			}
			List<Clause> made = new ArrayList<>();
			int phoneEnd = phoneRun(tokens, i);
			if (phoneEnd > i) {
				made.add(phone(tokens.subList(i, phoneEnd)));
				i = phoneEnd - 1;
			}
			else {
				made.addAll(clauses(token));
			}
			if (made.isEmpty()) {
				continue;
			}
			Clause previous = clauses.isEmpty() ? null : clauses.get(clauses.size() - 1);
			Clause first = made.get(0);
			if (or && previous != null && !previous.negated && !first.negated) {
				List<Alternative> alternatives = new ArrayList<>(previous.alternatives);
				alternatives.addAll(first.alternatives);
				clauses.set(clauses.size() - 1, new Clause(false, alternatives));
				made.remove(0);
			}
			clauses.addAll(made);
			or = false;
		}
		return new SearchTerms(clauses);
	}

	/**
	 * Whether nothing searchable was typed (only punctuation, say).
	 * @return true if there are no clauses
	 */
	public boolean isEmpty() {
		return this.clauses.isEmpty();
	}

	/**
	 * Splits text into the words the index knows: runs between white space, ASCII
	 * punctuation and emoji.
	 * @param text any text
	 * @return the words, in order
	 */
	public static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (Character.isWhitespace(c) || isAsciiPunctuation(c) || isEmoji(c) || Character.isISOControl(c)) {
				if (!word.isEmpty()) {
					words.add(word.toString());
					word.setLength(0);
				}
			}
			else {
				word.appendCodePoint(c);
			}
		});
		if (!word.isEmpty()) {
			words.add(word.toString());
		}
		return words;
	}

	/**
	 * Whether a character is indexed as an emoji of its own (the same ranges as the
	 * index).
	 * @param c a code point
	 * @return true for the emoji and symbol blocks
	 */
	public static boolean isEmoji(int c) {
		return (c >= 0x2300 && c <= 0x23FF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF)
				|| (c >= 0x1F000 && c <= 0x1FAFF);
	}

	private static boolean isAsciiPunctuation(int c) {
		return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
	}

	private static List<Token> tokens(String text) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
				continue;
			}
			boolean negated = false;
			if (c == '-' && i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1))) {
				negated = true;
				i++;
				c = text.charAt(i);
			}
			if (c == '"') {
				int end = text.indexOf('"', i + 1);
				end = (end < 0) ? text.length() : end;
				tokens.add(new Token(text.substring(i + 1, end), true, negated));
				i = end + 1;
			}
			else {
				int end = i;
				while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '"') {
					end++;
				}
				tokens.add(new Token(text.substring(i, end), false, negated));
				i = end;
			}
		}
		return tokens;
	}

	private static List<Clause> clauses(Token token) {
		List<Clause> clauses = new ArrayList<>();
		List<String> words = words(token.text);
		if (!words.isEmpty()) {
			Alternative.Kind kind = (words.size() == 1 && !token.quoted) ? Alternative.Kind.WORD
					: Alternative.Kind.PHRASE;
			List<Alternative> alternatives = new ArrayList<>();
			alternatives.add(new Alternative(kind, String.join(" ", words)));
			String digits = digits(token.text);
			if (isPhoneLike(token) && digits.length() >= PHONE_DIGITS) {
				alternatives.add(new Alternative(Alternative.Kind.PHONE, digits));
			}
			clauses.add(new Clause(token.negated, alternatives));
		}
		token.text.codePoints()
			.filter(SearchTerms::isEmoji)
			.distinct()
			.forEach((emoji) -> clauses.add(new Clause(token.negated,
					List.of(new Alternative(Alternative.Kind.EMOJI, Character.toString(emoji))))));
		return clauses;
	}

	/**
	 * Where a run of phone-like tokens starting at {@code start} ends, if it reads as one
	 * phone number of several groups; {@code start} otherwise. One group alone is a
	 * number, handled with the words.
	 */
	private static int phoneRun(List<Token> tokens, int start) {
		int end = start;
		int digits = 0;
		boolean punctuated = false;
		boolean shortGroups = true;
		while (end < tokens.size() && isPhoneLike(tokens.get(end))) {
			Token token = tokens.get(end);
			int count = digits(token.text).length();
			digits += count;
			punctuated |= !token.text.chars().allMatch(Character::isDigit);
			shortGroups &= count <= 4;
			end++;
		}
		if (end - start < 2 || digits < PHONE_DIGITS) {
			return start;
		}
		String first = tokens.get(start).text;
		boolean looksLikePhone = punctuated || shortGroups || first.startsWith("0");
		return looksLikePhone ? end : start;
	}

	private static boolean isPhoneLike(Token token) {
		return !token.quoted && !token.negated && !token.text.isEmpty()
				&& token.text.chars().anyMatch(Character::isDigit)
				&& token.text.chars().allMatch((c) -> Character.isDigit(c) || "+()-./".indexOf(c) >= 0);
	}

	private static Clause phone(List<Token> run) {
		List<String> groups = new ArrayList<>();
		StringBuilder all = new StringBuilder();
		for (Token token : run) {
			groups.addAll(words(token.text));
			all.append(token.text).append(' ');
		}
		return new Clause(false, List.of(new Alternative(Alternative.Kind.PHRASE, String.join(" ", groups)),
				new Alternative(Alternative.Kind.PHONE, digits(all.toString()))));
	}

	private static String digits(String text) {
		StringBuilder digits = new StringBuilder();
		text.chars().filter((c) -> c >= '0' && c <= '9').forEach(digits::appendCodePoint);
		return digits.toString();
	}

	private record Token(String text, boolean quoted, boolean negated) {
	}

	/**
	 * Something that must (or, negated, must not) occur in a conversation: one of its
	 * alternatives.
	 *
	 * @param negated whether conversations containing it are excluded
	 * @param alternatives what may occur; at least one
	 */
	public record Clause(boolean negated, List<Alternative> alternatives) {

		public Clause {
			alternatives = List.copyOf(alternatives);
			if (alternatives.isEmpty()) {
				throw new IllegalArgumentException("a clause needs an alternative");
			}
		}

	}

	/**
	 * One thing a clause may match.
	 *
	 * @param kind what it is
	 * @param text for words and phrases their words separated by single spaces; for a
	 * phone its digits; for an emoji the emoji
	 */
	public record Alternative(Kind kind, String text) {

		public Alternative {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(text, "text");
		}

		/**
		 * Kinds of alternatives.
		 */
		public enum Kind {

			/**
			 * One word typed on its own: found by its stem or exactly; a stop word is
			 * left out.
			 */
			WORD,
			/** Words that must follow each other in one message. */
			PHRASE,
			/** Digits a customer's phone number ends with. */
			PHONE,
			/** An emoji. */
			EMOJI

		}

	}

}
