package dev.porchlight.api.account;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import dev.porchlight.domain.common.DomainException;

/**
 * What a new password must be: long enough to resist guessing (length matters more than
 * character classes, as NIST SP 800-63B says), no longer than bcrypt reads (72 bytes of
 * UTF-8: a longer one could not be stored), and not one of the passwords every attacker
 * tries first.
 */
final class PasswordPolicy {

	static final int MIN_LENGTH = 12;

	static final int MAX_BYTES = 72;

	private static final Set<String> COMMON = Set.of("123456789012", "password1234", "passwordpassword", "qwertyuiopas",
			"111111111111", "iloveyou1234", "letmein12345", "porchlight123", "changeme1234", "administrator",
			"welcome12345", "abc123456789");

	private PasswordPolicy() {
	}

	static void check(String password, String email) {
		if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
			throw new DomainException("weak_password", "Choose a password of at least " + MIN_LENGTH + " characters.");
		}
		if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			throw new DomainException("password_too_long", "Choose a password of at most " + MAX_BYTES
					+ " bytes: 72 plain letters, digits or spaces; accented letters take 2 and emoji 4.");
		}
		String lower = password.toLowerCase(Locale.ROOT);
		if (COMMON.contains(lower) || lower.equals(email.toLowerCase(Locale.ROOT))
				|| password.chars().distinct().count() < 4) {
			throw new DomainException("weak_password", "That password is too easy to guess; choose another.");
		}
	}

}
