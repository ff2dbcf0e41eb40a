package dev.porchlight.api.visitor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts or continues a visitor's session on a site. Continuity rests on a random
 * credential that only the visitor's browser holds (its hash is stored); identity rests
 * only on the site's HMAC signature. Nothing a visitor types — an email, a name, somebody
 * else's visitor id — ever links them to an existing customer.
 */
@Service
class VisitorSessions {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Visitors visitors;

	private final Customers customers;

	private final VisitorTokens tokens;

	private final ApplicationEventPublisher events;

	private final Clock clock = Clock.systemUTC();

	VisitorSessions(Visitors visitors, Customers customers, VisitorTokens tokens, ApplicationEventPublisher events) {
		this.visitors = visitors;
		this.customers = customers;
		this.tokens = tokens;
		this.events = events;
	}

	@Transactional
	Started start(Site site, VisitorSessionRequest request) {
		Instant now = this.clock.instant();
		Visitor visitor;
		String newSecret = null;
		if (request.visitorId() != null || request.visitorSecret() != null) {
			visitor = returning(site, request.visitorId(), request.visitorSecret());
			this.visitors.seen(visitor.id(), now);
		}
		else {
			newSecret = newCredential();
			visitor = Visitor.arrive(site.id(), now);
			this.visitors.add(visitor, hash(newSecret));
		}
		IdentityOutcome identity = IdentityOutcome.NONE;
		// Only a link the site vouched for carries a customer into the token.
		CustomerId customer = this.visitors.verifiedCustomer(visitor.id()).orElse(null);
		if (request.identity() != null && site.identityMode() != IdentityMode.OFF) {
			VisitorSessionRequest.Identity claimed = request.identity();
			if (site.vouchesFor(claimed.externalId(), claimed.signature())) {
				customer = vouchedCustomer(site, claimed, now);
				this.visitors.linkCustomer(visitor.id(), customer, true);
				identity = IdentityOutcome.VERIFIED;
			}
			else if (site.identityMode() == IdentityMode.ENFORCED) {
				throw new ApiException(HttpStatus.FORBIDDEN, "identity_invalid",
						"This site requires a valid identity signature.");
			}
			else {
				identity = IdentityOutcome.UNVERIFIED;
				// What the page claimed still tells the owner who may be writing, on a
				// record of the visitor's own (docs/security.md).
				this.events.publishEvent(new UnverifiedIdentity(visitor.id(), claimed.email(), claimed.name()));
			}
		}
		else if (request.identity() != null) {
			identity = IdentityOutcome.IGNORED;
		}
		return new Started(this.tokens.issue(site.id(), visitor.id(), customer), newSecret, identity);
	}

	private Visitor returning(Site site, @Nullable String visitorId, @Nullable String secret) {
		ApiException refused = new ApiException(HttpStatus.UNAUTHORIZED, "visitor_credential_invalid",
				"This visitor cannot be continued; start a new visitor session.");
		if (visitorId == null || secret == null) {
			throw refused;
		}
		VisitorId id;
		try {
			id = VisitorId.parse(visitorId);
		}
		catch (DomainException ex) {
			throw refused;
		}
		String storedHash = this.visitors.credentialHash(id).orElseThrow(() -> refused);
		boolean matches = MessageDigest.isEqual(storedHash.getBytes(StandardCharsets.US_ASCII),
				hash(secret).getBytes(StandardCharsets.US_ASCII));
		Visitor visitor = this.visitors.findById(id).orElseThrow(() -> refused);
		if (!matches || !visitor.siteId().equals(site.id())) {
			throw refused;
		}
		return visitor;
	}

	private CustomerId vouchedCustomer(Site site, VisitorSessionRequest.Identity claimed, Instant now) {
		return this.customers.findByExternalId(site.id(), claimed.externalId()).map(Customer::id).orElseGet(() -> {
			EmailAddress email = (claimed.email() != null && !claimed.email().isBlank())
					? new EmailAddress(claimed.email()) : null;
			Customer created = new Customer(CustomerId.random(), claimed.name(), email, null, now, now);
			this.customers.add(created);
			return this.customers.attachExternalId(site.id(), claimed.externalId(), created.id());
		});
	}

	static String newCredential() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String hash(String credential) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

	/**
	 * What happened to an identity the widget passed along.
	 */
	enum IdentityOutcome {

		/** No identity was passed. */
		NONE,
		/** The signature was valid: the visitor is linked to the customer. */
		VERIFIED,
		/**
		 * The signature was missing or wrong and the site allows that: the visitor stays
		 * anonymous; a claimed email or name goes into a record of their own.
		 */
		UNVERIFIED,
		/** The site has identity switched off. */
		IGNORED

	}

	/**
	 * A started visitor session.
	 *
	 * @param issued the token
	 * @param newSecret the continuity credential for a new visitor (shown only once)
	 * @param identity what happened to the identity
	 */
	record Started(VisitorTokens.Issued issued, @Nullable String newSecret, IdentityOutcome identity) {

		@Override
		public String toString() {
			return "Started[" + this.issued + ", " + this.identity + "]";
		}

	}

}
