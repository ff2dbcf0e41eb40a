package dev.porchlight.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porchlight.domain.site.IdentitySecret;
import org.jspecify.annotations.Nullable;

/**
 * Identity tokens as a site's server signs them (docs/security.md), for tests.
 */
public final class IdentityTokenFixture {

	private IdentityTokenFixture() {
	}

	/**
	 * A token valid for an hour from now.
	 * @param secret the site's identity secret
	 * @param externalId the site's id for the customer
	 * @param email the signed email, if any
	 * @param name the signed name, if any
	 * @return the compact JWT
	 */
	public static String token(IdentitySecret secret, String externalId, @Nullable String email,
			@Nullable String name) {
		Instant now = Instant.now();
		return token(secret, externalId, email, name, now, now.plus(Duration.ofHours(1)));
	}

	/**
	 * A token issued and expiring when told.
	 * @param secret the site's identity secret
	 * @param externalId the site's id for the customer
	 * @param email the signed email, if any
	 * @param name the signed name, if any
	 * @param issuedAt iat
	 * @param expiresAt exp
	 * @return the compact JWT
	 */
	public static String token(IdentitySecret secret, String externalId, @Nullable String email, @Nullable String name,
			Instant issuedAt, Instant expiresAt) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(externalId)
			.issueTime(Date.from(issuedAt))
			.expirationTime(Date.from(expiresAt));
		if (email != null) {
			claims.claim("email", email);
		}
		if (name != null) {
			claims.claim("name", name);
		}
		return sign(secret.value(), JWSAlgorithm.HS256, claims.build());
	}

	/**
	 * Any claims, any HMAC algorithm, any key: for tokens that must be refused.
	 * @param key the key
	 * @param algorithm HS256, HS384 or HS512
	 * @param claims the claims
	 * @return the compact JWT
	 */
	public static String sign(String key, JWSAlgorithm algorithm, Map<String, Object> claims) {
		// As a payload, not a claims set: claims of the wrong type must reach the server.
		JWSObject jws = new JWSObject(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(),
				new Payload(claims));
		try {
			jws.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jws.serialize();
	}

	private static String sign(String key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
		try {
			jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
