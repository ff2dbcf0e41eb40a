package dev.porchlight.domain.site;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;

/**
 * The public key a host page puts in the widget snippet ({@code data-site}). It is not a
 * secret: it names the site, and the site's allowed origins decide where it works.
 *
 * @param value {@code pk_} followed by 22 base62 characters
 */
public record SiteKey(String value) {

	private static final Pattern SHAPE = Pattern.compile("^pk_[0-9A-Za-z]{22}$");

	private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	public SiteKey {
		Objects.requireNonNull(value, "site key");
		if (!SHAPE.matcher(value).matches()) {
			throw new DomainException("invalid_site_key", "Not a valid site key.");
		}
	}

	public static SiteKey random() {
		StringBuilder key = new StringBuilder("pk_");
		for (int i = 0; i < 22; i++) {
			key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
		}
		return new SiteKey(key.toString());
	}

	@Override
	public String toString() {
		return this.value;
	}

}
