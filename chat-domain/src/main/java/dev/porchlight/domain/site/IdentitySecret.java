package dev.porchlight.domain.site;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import dev.porchlight.domain.common.DomainException;

/**
 * The per-site secret with which the site's own server signs customer ids (HMAC-SHA256).
 * Always generated, 32 random bytes, never a default constant.
 *
 * @param value the secret in URL-safe base64 without padding (43 characters)
 */
public record IdentitySecret(String value) {

	private static final SecureRandom RANDOM = new SecureRandom();

	public IdentitySecret {
		Objects.requireNonNull(value, "identity secret");
		if (value.length() != 43 || !value.matches("[A-Za-z0-9_-]+")) {
			throw new DomainException("invalid_identity_secret", "Not a valid identity secret.");
		}
	}

	public static IdentitySecret generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return new IdentitySecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	@Override
	public String toString() {
		return "IdentitySecret[redacted]";
	}

}
