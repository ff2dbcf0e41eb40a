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
	 * A site-vouched identity.
	 *
	 * @param externalId the site's own id for the customer
	 * @param email the customer's email, as the site knows it
	 * @param name the customer's name, as the site knows it
	 * @param signature lower-case hex HMAC-SHA256(identity secret, externalId)
	 */
	record Identity(@NotNull @Size(min = 1, max = 255) String externalId, @Nullable @Size(max = 254) String email,
			@Nullable @Size(max = 120) String name, @Nullable @Size(max = 128) String signature) {
	}

}
