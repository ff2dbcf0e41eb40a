package dev.porchlight.api.visitor;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.site.IdentitySecret;
import org.jspecify.annotations.Nullable;

/**
 * Reads the identity tokens a site's server signs for its signed-in customer: a JWT,
 * HS256 under the site's identity secret (its UTF-8 bytes), carrying {@code sub} (the
 * site's id for the customer), an {@code exp} at most 24 hours ahead, and optionally
 * {@code email}, {@code name}, {@code iat} and {@code nbf}. Only what the signature
 * covers is returned, so only that can be stored as verified.
 *
 * <p>
 * Any other algorithm (including {@code none}) is refused, so the token cannot choose how
 * it is checked; Nimbus compares the MAC in constant time.
 */
final class IdentityTokens {

	/** The longest a token may live: a stolen token is worth at most this. */
	static final Duration MAX_LIFETIME = Duration.ofHours(24);

	/** Tolerated difference between the site's clock and ours. */
	static final Duration LEEWAY = Duration.ofSeconds(60);

	/** Longer than any honest token (the claims are bounded well below it). */
	static final int MAX_LENGTH = 4096;

	static final int MAX_SUBJECT = 255;

	private IdentityTokens() {
	}

	/**
	 * Checks a token and returns its signed claims.
	 * @param token the compact JWT the page passed along
	 * @param secret the site's identity secret
	 * @param now the current time
	 * @return the claims the site signed
	 * @throws Refused with a reason a site's developer can act on
	 */
	static Claims verify(String token, IdentitySecret secret, Instant now) {
		if (token.length() > MAX_LENGTH) {
			throw new Refused("The identity token is longer than " + MAX_LENGTH + " characters.");
		}
		SignedJWT jwt;
		try {
			jwt = SignedJWT.parse(token.strip());
		}
		catch (ParseException ex) {
			throw new Refused("The identity token is not a signed JWT (header.payload.signature).");
		}
		if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
			throw new Refused("The identity token must be signed with HS256.");
		}
		JOSEObjectType type = jwt.getHeader().getType();
		if (type != null && !JOSEObjectType.JWT.equals(type)) {
			throw new Refused("The identity token's typ must be JWT.");
		}
		try {
			if (!jwt.verify(new MACVerifier(secret.value().getBytes(StandardCharsets.UTF_8)))) {
				throw new Refused("The identity token's signature does not match the site's identity secret.");
			}
		}
		catch (JOSEException ex) {
			throw new Refused("The identity token's signature cannot be checked.");
		}
		JWTClaimsSet claims;
		try {
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			// For example a registered claim of the wrong type ("exp" as a string).
			throw new Refused("The identity token's claims cannot be read: " + ex.getMessage());
		}
		return claims(claims, now);
	}

	private static Claims claims(JWTClaimsSet claims, Instant now) {
		String subject = string(claims, "sub");
		if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT) {
			throw new Refused("The identity token needs sub: the site's id for the customer (1 to " + MAX_SUBJECT
					+ " characters).");
		}
		Instant expires = instant(claims, "exp");
		if (expires == null) {
			throw new Refused("The identity token needs exp (an expiry at most 24 hours ahead).");
		}
		if (!now.isBefore(expires.plus(LEEWAY))) {
			throw new Refused("The identity token has expired.");
		}
		if (expires.isAfter(now.plus(MAX_LIFETIME).plus(LEEWAY))) {
			throw new Refused("The identity token's exp is more than 24 hours ahead.");
		}
		Instant issued = instant(claims, "iat");
		if (issued != null) {
			if (issued.isAfter(now.plus(LEEWAY))) {
				throw new Refused("The identity token is not valid yet (iat is in the future).");
			}
			if (Duration.between(issued, expires).compareTo(MAX_LIFETIME) > 0) {
				throw new Refused("The identity token lives longer than 24 hours (exp - iat).");
			}
		}
		Instant notBefore = instant(claims, "nbf");
		if (notBefore != null && notBefore.isAfter(now.plus(LEEWAY))) {
			throw new Refused("The identity token is not valid yet (nbf is in the future).");
		}
		String email = string(claims, "email");
		EmailAddress address = null;
		if (email != null && !email.isBlank()) {
			try {
				address = new EmailAddress(email);
			}
			catch (DomainException ex) {
				throw new Refused("The identity token's email is not an email address.");
			}
		}
		String name;
		try {
			name = Text.optional("name", string(claims, "name"), Customer.MAX_NAME);
		}
		catch (DomainException ex) {
			throw new Refused("The identity token's name has more than " + Customer.MAX_NAME
					+ " characters or control characters.");
		}
		return new Claims(subject, address, name);
	}

	private static @Nullable String string(JWTClaimsSet claims, String name) {
		try {
			return claims.getStringClaim(name);
		}
		catch (ParseException ex) {
			throw new Refused("The identity token's " + name + " must be a string.");
		}
	}

	private static @Nullable Instant instant(JWTClaimsSet claims, String name) {
		try {
			Date date = claims.getDateClaim(name);
			return (date != null) ? date.toInstant() : null;
		}
		catch (ParseException ex) {
			throw new Refused("The identity token's " + name + " must be a number of seconds since 1970.");
		}
	}

	/**
	 * What a site signed about its customer.
	 *
	 * @param subject the site's id for the customer
	 * @param email their email, if signed
	 * @param name their name, if signed
	 */
	record Claims(String subject, @Nullable EmailAddress email, @Nullable String name) {
	}

	/**
	 * A token that does not vouch for anybody, with the reason.
	 */
	static final class Refused extends RuntimeException {

		Refused(String reason) {
			super(reason, null, false, false);
		}

	}

}
