package dev.porchlight.api.live;

import java.time.Duration;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.site.Sites;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Who is here and what they do, none of it stored for long: typing, the visitor's page,
 * staff availability, and sockets arriving and leaving.
 */
@Component
class PresenceCommands {

	static final int MAX_DRAFT = 1000;

	private final Access access;

	private final LiveEvents events;

	private final Presences presences;

	private final Sites sites;

	private final Customers customers;

	private final LiveProperties properties;

	private final Views views;

	// A visitor's sighting lasts as long as their socket may (it closes when the token
	// expires, and the client reconnects); the last socket to close removes it.
	private final Duration visitorPresence;

	PresenceCommands(Access access, LiveEvents events, Presences presences, Sites sites, Customers customers,
			LiveProperties properties, Views views, PorchlightProperties porchlight) {
		this.access = access;
		this.events = events;
		this.presences = presences;
		this.sites = sites;
		this.customers = customers;
		this.properties = properties;
		this.views = views;
		this.visitorPresence = porchlight.visitorTokenTtl().plus(properties.idleTimeout());
	}

	@Nullable ServerFrame typing(Connection connection, ClientFrame.Typing frame) {
		LiveConversation conversation = this.access.accessible(connection, frame.conversationId());
		String draft = null;
		String name = null;
		if (connection.isVisitor()) {
			// Read per frame, so that turning the preview off takes effect at once.
			boolean preview = frame.draft() != null && this.sites.findById(conversation.conversation().siteId())
				.map((site) -> site.widget().typingPreview())
				.orElse(false);
			if (preview) {
				// In characters (code points), as every limit of the protocol: never half
				// an emoji.
				String typed = frame.draft();
				draft = typed.substring(0,
						typed.offsetByCodePoints(0, Math.min(typed.codePointCount(0, typed.length()), MAX_DRAFT)));
			}
		}
		else {
			// The name as it is now, not as it was when the staff member signed in.
			name = this.views.staffName(connection.staff().id());
		}
		this.events.publish(new LiveEvent.Typing(conversation.id(), connection.sender().kind(), frame.typing(), draft,
				name, conversation.conversation().siteId()));
		return null;
	}

	@Nullable ServerFrame page(Connection connection, ClientFrame.Page frame) {
		if (!connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only visitors report pages.");
		}
		VisitorPrincipal visitor = connection.visitor();
		this.presences.visitorSeen(visitor.visitorId(), frame.page().url(), frame.page().title(), connection.browser(),
				this.visitorPresence);
		this.events.publish(new LiveEvent.VisitorPresence(visitor.visitorId(), true, frame.page().url(),
				frame.page().title(), connection.browser(), visitor.siteId()));
		if (visitor.customerId() != null) {
			this.customers.recordVisit(visitor.customerId(),
					new Customers.Visit(frame.page().url(), frame.page().title(), null, null, connection.browser()));
		}
		return null;
	}

	ServerFrame availability(Connection connection, ClientFrame.Availability frame) {
		if (connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only staff set availability.");
		}
		this.presences.staffAvailability(connection.staff().id(), frame.available());
		this.events.publish(new LiveEvent.StaffAvailability(this.presences.anyStaffAvailable()));
		return new ServerFrame.AvailabilityOk(frame.available(), frame.ref());
	}

	/**
	 * A socket opened: a staff member is present (visitors learn someone may answer), a
	 * visitor is on the site.
	 */
	void arrived(Connection connection) {
		if (connection.isVisitor()) {
			this.presences.visitorSocketOpened(connection.visitor().visitorId(), connection.id(), connection.browser(),
					this.visitorPresence);
		}
		else {
			this.presences.staffSeen(connection.staff().id(), connection.id(), this.properties.idleTimeout());
			this.events.publish(new LiveEvent.StaffAvailability(this.presences.anyStaffAvailable()));
		}
	}

	/**
	 * A socket closed: when it was the person's last one on any node, they are gone (a
	 * visitor or a staff member may have a tab, or a phone, on each of two nodes).
	 */
	void left(Connection connection) {
		if (!connection.isVisitor()) {
			this.presences.staffGone(connection.staff().id(), connection.id());
			this.events.publish(new LiveEvent.StaffAvailability(this.presences.anyStaffAvailable()));
		}
		else if (this.presences.visitorSocketClosed(connection.visitor().visitorId(), connection.id())) {
			this.events.publish(new LiveEvent.VisitorPresence(connection.visitor().visitorId(), false, null, null, null,
					connection.visitor().siteId()));
		}
	}

	/**
	 * Keeps a connected staff member present (called by the sweep).
	 */
	void stillHere(Connection connection) {
		if (!connection.isVisitor()) {
			this.presences.staffSeen(connection.staff().id(), connection.id(), this.properties.idleTimeout());
		}
	}

}
