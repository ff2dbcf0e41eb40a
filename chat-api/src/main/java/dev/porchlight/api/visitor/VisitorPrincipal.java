package dev.porchlight.api.visitor;

import java.time.Instant;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * A visitor authenticated by a visitor token: one visitor on one site, and the customer
 * the site vouched for, if any. It grants that visitor's own conversations (and, with a
 * verified customer, that customer's on the same site) and nothing else.
 *
 * @param siteId the site the token was issued for
 * @param visitorId the visitor
 * @param customerId the customer the site vouched for, if any
 * @param expiresAt when the token stops working
 */
public record VisitorPrincipal(SiteId siteId, VisitorId visitorId, @Nullable CustomerId customerId, Instant expiresAt) {

	@Override
	public String toString() {
		return "visitor:" + this.visitorId;
	}

}
