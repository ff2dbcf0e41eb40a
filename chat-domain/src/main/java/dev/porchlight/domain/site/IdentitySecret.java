package dev.porchlight.domain.site;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.domain.common.DomainException;
import org.jspecify.annotations.Nullable;

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

	/**
	 * The signature a site's server computes for a customer id.
	 * @param externalId the site's id for the customer
	 * @return lower-case hex HMAC-SHA256
	 */
	public String sign(String externalId) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.value.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(externalId.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
		}
	}

	/**
	 * Checks a signature in constant time (the time does not depend on how many leading
	 * characters match), so it cannot be guessed byte by byte. Only the documented form
	 * is accepted: lower-case hex, nothing around it.
	 * @param externalId the site's id for the customer
	 * @param signature the signature to check, may be null
	 * @return whether it is valid
	 */
	public boolean verifies(String externalId, @Nullable String signature) {
		if (signature == null) {
			return false;
		}
		byte[] expected = sign(externalId).getBytes(StandardCharsets.US_ASCII);
		byte[] given = signature.getBytes(StandardCharsets.UTF_8);
		return MessageDigest.isEqual(expected, given);
	}

	@Override
	public String toString() {
		return "IdentitySecret[redacted]";
	}

}
