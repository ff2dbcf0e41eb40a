package dev.porchlight.domain.common;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An email address as people type it, trimmed and validated for shape only. Equality is
 * case-insensitive because mail providers treat the whole address that way in practice.
 *
 * @param value the address, trimmed, at most 254 characters
 */
public record EmailAddress(String value) {

	/** RFC 5321 limits a forward path to 254 characters. */
	public static final int MAX_LENGTH = 254;

	private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

	public EmailAddress {
		Objects.requireNonNull(value, "email address");
		value = value.strip();
		if (value.length() > MAX_LENGTH) {
			throw new DomainException("invalid_email", "An email address has at most " + MAX_LENGTH + " characters.");
		}
		if (!SHAPE.matcher(value).matches()) {
			throw new DomainException("invalid_email", "That is not an email address.");
		}
	}

	/** The address lower-cased, for comparisons and unique keys. */
	public String normalized() {
		return this.value.toLowerCase(Locale.ROOT);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof EmailAddress email && email.normalized().equals(normalized());
	}

	@Override
	public int hashCode() {
		return normalized().hashCode();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
