package dev.porchlight.api.account;

import java.util.Locale;
import java.util.Set;

import dev.porchlight.domain.common.DomainException;

/**
 * What a new password must be: long enough to resist guessing (length matters more than
 * character classes, as NIST SP 800-63B says), not absurdly long (bcrypt reads 72 bytes),
 * and not one of the passwords every attacker tries first.
 */
final class PasswordPolicy {

	static final int MIN_LENGTH = 12;

	static final int MAX_LENGTH = 128;

	private static final Set<String> COMMON = Set.of("123456789012", "password1234", "passwordpassword", "qwertyuiopas",
			"111111111111", "iloveyou1234", "letmein12345", "porchlight123", "changeme1234", "administrator",
			"welcome12345", "abc123456789");

	private PasswordPolicy() {
	}

	static void check(String password, String email) {
		if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
			throw new DomainException("weak_password", "Choose a password of at least " + MIN_LENGTH + " characters.");
		}
		if (password.length() > MAX_LENGTH) {
			throw new DomainException("weak_password", "Choose a password of at most " + MAX_LENGTH + " characters.");
		}
		String lower = password.toLowerCase(Locale.ROOT);
		if (COMMON.contains(lower) || lower.equals(email.toLowerCase(Locale.ROOT))
				|| password.chars().distinct().count() < 4) {
			throw new DomainException("weak_password", "That password is too easy to guess; choose another.");
		}
	}

}
