package dev.porchlight.api.visitor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.customer.ContactDetail;
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
 * only on what the site signed (an identity token, or the legacy HMAC where the site
 * still allows it). Nothing a visitor types — an email, a name, somebody else's visitor
 * id — ever links them to an existing customer.
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
		// Only a link the site vouched for carries a customer into the token, and only in
		// optional mode: in enforced mode only a link vouched for in this very session (a
		// token expires, the browser's credential does not), and with identity off
		// nobody. A visitor created just now has no link yet.
		CustomerId customer = (site.identityMode() == IdentityMode.OPTIONAL && newSecret == null)
				? this.visitors.verifiedCustomer(visitor.id()).orElse(null) : null;
		VisitorSessionRequest.Identity claimed = request.identity();
		if (claimed != null && site.identityMode() != IdentityMode.OFF) {
			IdentityTokens.Claims vouched;
			try {
				vouched = vouched(site, claimed, now);
			}
			catch (IdentityTokens.Refused refused) {
				if (site.identityMode() == IdentityMode.ENFORCED) {
					throw new ApiException(HttpStatus.FORBIDDEN, "identity_invalid",
							"This site requires a valid identity token. " + refused.getMessage());
				}
				vouched = null;
			}
			if (vouched != null) {
				customer = vouchedCustomer(site, vouched, claimed, now);
				this.visitors.linkCustomer(visitor.id(), customer, true);
				identity = IdentityOutcome.VERIFIED;
			}
			else {
				// A refused token makes this session anonymous, whoever the browser was
				// before (docs/security.md).
				customer = null;
				identity = IdentityOutcome.UNVERIFIED;
				// What the page claimed still tells the owner who may be writing, on a
				// record of the visitor's own (docs/security.md).
				// Only what can be kept: an unsigned extra is not worth refusing the
				// session for.
				EmailAddress email = lenientEmail(claimed.email());
				this.events.publishEvent(new UnverifiedIdentity(visitor.id(), (email != null) ? email.value() : null,
						lenientName(claimed.name())));
			}
		}
		else if (claimed != null) {
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

	/**
	 * What the site signed: the claims of a valid token, or, where the site still allows
	 * the legacy form, the external id alone (its HMAC never covered email or name).
	 * @throws IdentityTokens.Refused when the identity vouches for nobody
	 */
	private static IdentityTokens.Claims vouched(Site site, VisitorSessionRequest.Identity claimed, Instant now) {
		if (claimed.token() != null) {
			return IdentityTokens.verify(claimed.token(), site.identitySecret(), now);
		}
		if (claimed.externalId() == null || claimed.signature() == null) {
			throw new IdentityTokens.Refused("Pass the token your server signed for the customer.");
		}
		if (!site.legacyIdentity()) {
			throw new IdentityTokens.Refused(
					"This site accepts identity tokens only; legacy signatures are switched off in its settings.");
		}
		if (!site.vouchesFor(claimed.externalId(), claimed.signature())) {
			throw new IdentityTokens.Refused("The signature does not match the site's identity secret.");
		}
		return new IdentityTokens.Claims(claimed.externalId(), null, null);
	}

	/**
	 * The customer the site vouched for, created on first sight. Signed details are
	 * stored as verified; unsigned ones the page passed along only fill gaps, unverified.
	 * Details already on the record stay: the owner may have corrected them.
	 */
	private CustomerId vouchedCustomer(Site site, IdentityTokens.Claims signed, VisitorSessionRequest.Identity claimed,
			Instant now) {
		String unsignedName = lenientName(claimed.name());
		EmailAddress unsignedEmail = lenientEmail(claimed.email());
		Customer existing = this.customers.findByExternalId(site.id(), signed.subject()).orElse(null);
		CustomerId id;
		if (existing == null) {
			Customer created = new Customer(CustomerId.random(), or(signed.name(), unsignedName),
					or(signed.email(), unsignedEmail), null, now, now);
			this.customers.add(created);
			id = this.customers.attachExternalId(site.id(), signed.subject(), created.id());
			if (!id.equals(created.id())) {
				// Another session created the record first: theirs holds the id.
				existing = this.customers.findById(id).orElseThrow();
			}
			else {
				existing = created;
			}
		}
		else {
			id = existing.id();
			String name = or(existing.name(), or(signed.name(), unsignedName));
			EmailAddress email = or(existing.email(), or(signed.email(), unsignedEmail));
			if (!Objects.equals(name, existing.name()) || !Objects.equals(email, existing.email())) {
				existing = new Customer(id, name, email, existing.phone(), existing.firstSeenAt(), now);
				this.customers.update(existing);
			}
		}
		Set<ContactDetail> verified = EnumSet.noneOf(ContactDetail.class);
		if (signed.name() != null && signed.name().equals(existing.name())) {
			verified.add(ContactDetail.NAME);
		}
		if (signed.email() != null && signed.email().equals(existing.email())) {
			verified.add(ContactDetail.EMAIL);
		}
		if (!verified.isEmpty()) {
			this.customers.markVerified(id, verified);
		}
		return id;
	}

	private static @Nullable EmailAddress lenientEmail(@Nullable String email) {
		try {
			return (email != null && !email.isBlank()) ? new EmailAddress(email) : null;
		}
		catch (DomainException ex) {
			// Not an email: an unsigned extra is not worth refusing the session for.
			return null;
		}
	}

	private static @Nullable String lenientName(@Nullable String name) {
		try {
			return Text.optional("name", name, Customer.MAX_NAME);
		}
		catch (DomainException ex) {
			// Control characters: an unsigned extra is not worth refusing the session
			// for.
			return null;
		}
	}

	private static <T> @Nullable T or(@Nullable T first, @Nullable T second) {
		return (first != null) ? first : second;
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
		/**
		 * The token (or legacy signature) was valid: the visitor is linked to the
		 * customer.
		 */
		VERIFIED,
		/**
		 * The token was missing, expired or wrong and the site allows that: the visitor
		 * stays anonymous; a claimed email or name goes into a record of their own.
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
