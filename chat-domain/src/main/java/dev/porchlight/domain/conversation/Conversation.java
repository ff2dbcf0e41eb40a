package dev.porchlight.domain.conversation;

import java.time.Instant;
import java.util.Objects;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * One conversation between a visitor and the business. A visitor may have several over
 * time; each belongs to exactly one site and one visitor, and to a customer once the
 * visitor is known.
 *
 * @param id random identifier
 * @param siteId the site it started on
 * @param visitorId the visitor who started it
 * @param customerId the customer it belongs to, if known
 * @param status open or closed
 * @param context where the visitor was when it started
 * @param startedAt when it started
 * @param lastActivityAt the latest message or status change
 * @param closedAt when it was closed, if it is closed
 */
public record Conversation(ConversationId id, SiteId siteId, VisitorId visitorId, @Nullable CustomerId customerId,
		ConversationStatus status, PageContext context, Instant startedAt, Instant lastActivityAt,
		@Nullable Instant closedAt) {

	public Conversation {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(siteId, "siteId");
		Objects.requireNonNull(visitorId, "visitorId");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(context, "context");
		Objects.requireNonNull(startedAt, "startedAt");
		Objects.requireNonNull(lastActivityAt, "lastActivityAt");
		if ((status == ConversationStatus.CLOSED) != (closedAt != null)) {
			throw new IllegalArgumentException("closedAt must be set exactly when the conversation is closed");
		}
	}

	public static Conversation start(SiteId site, VisitorId visitor, @Nullable CustomerId customer, PageContext context,
			Instant now) {
		return new Conversation(ConversationId.random(), site, visitor, customer, ConversationStatus.OPEN, context, now,
				now, null);
	}

	public boolean isOpen() {
		return this.status == ConversationStatus.OPEN;
	}

	/**
	 * Closes the conversation; closing a closed one changes nothing.
	 * @param now the current time
	 * @return the closed conversation
	 */
	public Conversation close(Instant now) {
		if (!isOpen()) {
			return this;
		}
		return new Conversation(this.id, this.siteId, this.visitorId, this.customerId, ConversationStatus.CLOSED,
				this.context, this.startedAt, latest(now), now);
	}

	/**
	 * Reopens the conversation, as when the visitor writes again after it was closed.
	 * @param now the current time
	 * @return the open conversation
	 */
	public Conversation reopen(Instant now) {
		if (isOpen()) {
			return this;
		}
		return new Conversation(this.id, this.siteId, this.visitorId, this.customerId, ConversationStatus.OPEN,
				this.context, this.startedAt, latest(now), null);
	}

	/**
	 * Whether this conversation may be read and written by the given visitor.
	 * @param visitor the authenticated visitor
	 * @return true only for the visitor who started it
	 */
	public boolean belongsTo(VisitorId visitor) {
		return this.visitorId.equals(visitor);
	}

	/**
	 * Whether a visitor may read (and write in) this conversation: the one who started
	 * it, or, vouched for by its site as its customer, that customer on that site.
	 * @param visitor the authenticated visitor
	 * @param vouchedCustomer the customer the site vouched the visitor is, or null
	 * @param site the site the visitor is on
	 * @return whether they may
	 */
	public boolean visibleTo(VisitorId visitor, @Nullable CustomerId vouchedCustomer, SiteId site) {
		return belongsTo(visitor)
				|| (vouchedCustomer != null && vouchedCustomer.equals(this.customerId) && site.equals(this.siteId));
	}

	private Instant latest(Instant now) {
		return now.isAfter(this.lastActivityAt) ? now : this.lastActivityAt;
	}

}
