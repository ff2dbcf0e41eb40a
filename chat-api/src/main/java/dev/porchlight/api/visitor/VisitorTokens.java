package dev.porchlight.api.visitor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.secret.InstallSecrets;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Issues and checks visitor tokens: {@code v1.SITE.VISITOR.CUSTOMER.EXPIRY.SIGNATURE},
 * where the signature is HMAC-SHA256 over everything before it with a key generated once
 * per installation (shared by all nodes through PostgreSQL). Tokens are short-lived; the
 * widget gets a new one with the visitor's continuity credential. A token that fails any
 * check is simply not a token: no detail is given about why. A token naming a customer
 * that was merged away since it was issued names the surviving record instead.
 */
@Component
public class VisitorTokens {

	static final String KEY_NAME = "visitor-token-key";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final byte[] key;

	private final PorchlightProperties properties;

	private final Clock clock;

	private final Function<CustomerId, Optional<CustomerId>> mergedInto;

	@Autowired
	VisitorTokens(InstallSecrets secrets, PorchlightProperties properties, Customers customers) {
		this(secrets, properties, Clock.systemUTC(), customers::mergedInto);
	}

	VisitorTokens(InstallSecrets secrets, PorchlightProperties properties, Clock clock) {
		this(secrets, properties, clock, (customer) -> Optional.empty());
	}

	VisitorTokens(InstallSecrets secrets, PorchlightProperties properties, Clock clock,
			Function<CustomerId, Optional<CustomerId>> mergedInto) {
		this.key = Base64.getUrlDecoder().decode(secrets.getOrCreate(KEY_NAME, VisitorTokens::newKey));
		this.properties = properties;
		this.clock = clock;
		this.mergedInto = mergedInto;
	}

	/**
	 * A new token for the visitor, valid for the configured time.
	 * @param site the site
	 * @param visitor the visitor
	 * @param customer the customer the site vouched for, if any
	 * @return the token and its claims
	 */
	public Issued issue(SiteId site, VisitorId visitor, @Nullable CustomerId customer) {
		Instant expires = this.clock.instant().plus(this.properties.visitorTokenTtl()).truncatedTo(ChronoUnit.SECONDS);
		String body = "v1." + site + "." + visitor + "." + ((customer != null) ? customer : "-") + "."
				+ expires.getEpochSecond();
		return new Issued(body + "." + sign(body), new VisitorPrincipal(site, visitor, customer, expires));
	}

	/**
	 * Checks a token's signature and expiry.
	 * @param token the token as the client sent it
	 * @return the visitor it names, if the token is valid now
	 */
	public Optional<VisitorPrincipal> verify(@Nullable String token) {
		if (token == null || token.length() > 300) {
			return Optional.empty();
		}
		int lastDot = token.lastIndexOf('.');
		if (lastDot < 0) {
			return Optional.empty();
		}
		String body = token.substring(0, lastDot);
		byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
		byte[] given = token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
		if (!MessageDigest.isEqual(expected, given)) {
			return Optional.empty();
		}
		String[] parts = body.split("\\.");
		if (parts.length != 5 || !parts[0].equals("v1")) {
			return Optional.empty();
		}
		try {
			Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[4]));
			if (!expires.isAfter(this.clock.instant())) {
				return Optional.empty();
			}
			CustomerId customer = parts[3].equals("-") ? null : CustomerId.parse(parts[3]);
			if (customer != null) {
				// Merges are rare and tokens short-lived, but a conversation started with
				// such a token must reach the record that lives on.
				customer = this.mergedInto.apply(customer).orElse(customer);
			}
			return Optional
				.of(new VisitorPrincipal(SiteId.parse(parts[1]), VisitorId.parse(parts[2]), customer, expires));
		}
		catch (NumberFormatException | DomainException ex) {
			return Optional.empty();
		}
	}

	private String sign(String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
		}
	}

	static String newKey() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * A freshly issued token.
	 *
	 * @param token the token to send as {@code Authorization: Bearer}
	 * @param principal what it grants
	 */
	public record Issued(String token, VisitorPrincipal principal) {

		@Override
		public String toString() {
			return "Issued[" + this.principal + "]";
		}

	}

}
