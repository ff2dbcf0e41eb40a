package dev.porchlight.api.visitor;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * What the widget sends to get a visitor token.
 *
 * @param siteKey the public key from the widget snippet
 * @param visitorId the visitor id the browser kept from an earlier visit, if any
 * @param visitorSecret the continuity credential kept with it
 * @param identity who the site says the visitor is, if the site vouches for them
 */
record VisitorSessionRequest(@NotNull @Size(max = 40) String siteKey, @Nullable @Size(max = 36) String visitorId,
		@Nullable @Size(max = 64) String visitorSecret, @Nullable @Valid Identity identity) {

	/**
	 * A site-vouched identity: a signed token, or (where the site still allows it) the
	 * legacy HMAC signature of the external id.
	 *
	 * @param token the identity token (a JWT, HS256 with the site's identity secret) that
	 * signs {@code sub} and optionally {@code email} and {@code name}
	 * @param externalId legacy: the site's own id for the customer
	 * @param email the customer's email, unsigned (kept as an unverified detail if it is
	 * one, dropped if not)
	 * @param name the customer's name, unsigned (kept as an unverified detail if it fits
	 * a record, dropped if not)
	 * @param signature legacy: lower-case hex HMAC-SHA256(identity secret, externalId)
	 */
	record Identity(@Nullable @Size(max = IdentityTokens.MAX_LENGTH) String token,
			@Nullable @Size(max = 255) String externalId, @Nullable @Size(max = MAX_UNSIGNED) String email,
			@Nullable @Size(max = MAX_UNSIGNED) String name, @Nullable @Size(max = 128) String signature) {

		/**
		 * Longer unsigned details are refused with the session rather than read and
		 * dropped.
		 */
		static final int MAX_UNSIGNED = 2048;

		@Override
		public String toString() {
			return "Identity[redacted]";
		}

	}

}
