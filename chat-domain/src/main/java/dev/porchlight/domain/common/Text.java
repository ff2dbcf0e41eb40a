package dev.porchlight.domain.common;

import org.jspecify.annotations.Nullable;

/**
 * Checks for free text typed by people: length limits counted in code points (what a
 * person counts as characters) and no control characters other than line breaks and tabs.
 */
public final class Text {

	private Text() {
	}

	/**
	 * Returns the stripped text, or fails with a {@link DomainException} naming the
	 * field.
	 * @param field the field's name as the user knows it
	 * @param value the text
	 * @param maxLength the largest allowed length in code points
	 * @return the text without leading and trailing white space
	 */
	public static String required(String field, @Nullable String value, int maxLength) {
		String stripped = (value != null) ? value.strip() : "";
		if (stripped.isEmpty()) {
			throw new DomainException(code(field), "The " + field + " must not be empty.");
		}
		return checked(field, stripped, maxLength);
	}

	/**
	 * Like {@link #required} but an empty or missing value gives {@code null}.
	 * @param field the field's name as the user knows it
	 * @param value the text, may be null
	 * @param maxLength the largest allowed length in code points
	 * @return the stripped text or null
	 */
	public static @Nullable String optional(String field, @Nullable String value, int maxLength) {
		String stripped = (value != null) ? value.strip() : "";
		return stripped.isEmpty() ? null : checked(field, stripped, maxLength);
	}

	private static String checked(String field, String value, int maxLength) {
		if (value.codePointCount(0, value.length()) > maxLength) {
			throw new DomainException(code(field),
					"The " + field + " is too long: at most " + maxLength + " characters.");
		}
		boolean hasControl = value.codePoints()
			.anyMatch((cp) -> Character.isISOControl(cp) && cp != '\n' && cp != '\r' && cp != '\t');
		if (hasControl) {
			throw new DomainException(code(field), "The " + field + " contains control characters.");
		}
		return value;
	}

	private static String code(String field) {
		return "invalid_" + field.replace(' ', '_');
	}

}
