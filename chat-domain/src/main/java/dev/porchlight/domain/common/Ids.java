package dev.porchlight.domain.common;

import java.util.UUID;

/**
 * Where every new identifier comes from. Identifiers are random (version 4 UUIDs from a
 * {@link java.security.SecureRandom}), never sequential, so knowing one id tells nothing
 * about another.
 */
public final class Ids {

	private Ids() {
	}

	public static UUID random() {
		return UUID.randomUUID();
	}

	public static UUID parse(String kind, String text) {
		try {
			if (text == null || text.length() != 36) {
				throw new IllegalArgumentException();
			}
			return UUID.fromString(text);
		}
		catch (IllegalArgumentException ex) {
			throw new DomainException("invalid_id", "Not a valid " + kind + " id.");
		}
	}

}
