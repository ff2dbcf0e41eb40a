package dev.porchlight.domain.visitor;

import java.time.Instant;
import java.util.Objects;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * A browser on one of the owner's sites. The visitor id is random and kept by the widget,
 * so the same person continues their conversations across pages and visits. A visitor
 * becomes linked to a customer when they leave an email or the site vouches for them.
 *
 * @param id random identifier, known only to that browser and the server
 * @param siteId the site the visitor came through
 * @param customerId the customer this visitor is known to be, if any
 * @param firstSeenAt first contact
 * @param lastSeenAt latest contact
 */
public record Visitor(VisitorId id, SiteId siteId, @Nullable CustomerId customerId, Instant firstSeenAt,
		Instant lastSeenAt) {

	public Visitor {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(siteId, "siteId");
		Objects.requireNonNull(firstSeenAt, "firstSeenAt");
		Objects.requireNonNull(lastSeenAt, "lastSeenAt");
		if (lastSeenAt.isBefore(firstSeenAt)) {
			throw new IllegalArgumentException("lastSeenAt before firstSeenAt");
		}
	}

	public static Visitor arrive(SiteId siteId, Instant now) {
		return new Visitor(VisitorId.random(), siteId, null, now, now);
	}

	public Visitor seen(Instant now) {
		return new Visitor(this.id, this.siteId, this.customerId, this.firstSeenAt,
				now.isAfter(this.lastSeenAt) ? now : this.lastSeenAt);
	}

	public Visitor identifiedAs(CustomerId customer) {
		return new Visitor(this.id, this.siteId, customer, this.firstSeenAt, this.lastSeenAt);
	}

}
