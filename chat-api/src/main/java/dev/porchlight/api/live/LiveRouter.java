package dev.porchlight.api.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Hands each live event to the sockets of this node that should see it, encoding it once
 * per audience (visitor, staff), never once per socket: a log entry to the sockets
 * following its conversation, summaries to the staff inbox (through the
 * {@link InboxCoalescer}), typing and read markers to the other side, and what staff
 * change outside a log to dashboards (the team to every one; customers, erasures and
 * tags, which name no site, to staff who serve every site). Runs on the one thread that
 * receives events, and never waits for a client.
 */
@Component
class LiveRouter implements Consumer<LiveEvent> {

	private final LiveEvents events;

	private final Connections connections;

	private final Subscriptions subscriptions;

	private final InboxCoalescer inbox;

	private final Views views;

	private final Timer deliveryLatency;

	private final Counter messagesOut;

	LiveRouter(LiveEvents events, Connections connections, Subscriptions subscriptions, InboxCoalescer inbox,
			Views views, MeterRegistry meters) {
		this.events = events;
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.inbox = inbox;
		this.views = views;
		this.deliveryLatency = Timer.builder("porchlight.delivery.latency")
			.description("Time from the server accepting a message to handing it to a receiving socket")
			.publishPercentileHistogram()
			.register(meters);
		this.messagesOut = Counter.builder("porchlight.messages.out")
			.description("Log entries handed to receiving sockets")
			.register(meters);
	}

	@PostConstruct
	void listen() {
		this.events.listen(this);
	}

	@Override
	public void accept(LiveEvent event) {
		switch (event) {
			case LiveEvent.EntryAdded added -> entry(added.entry());
			case LiveEvent.StateChanged changed -> this.inbox.changed(changed);
			case LiveEvent.ReadMarked read -> read(read);
			case LiveEvent.Typing typing -> typing(typing);
			case LiveEvent.StaffAvailability availability -> {
				// Visitors learn whether someone may answer; dashboards show it too.
				String text = Wire.write(new ServerFrame.Availability(availability.available()));
				this.connections.visitors().forEach((connection) -> connection.send(text));
				this.connections.staff().forEach((connection) -> connection.send(text));
			}
			case LiveEvent.VisitorPresence presence ->
				toStaff(presence.site(), new ServerFrame.Visitor(presence.visitor().toString(), presence.online(),
						presence.page(), presence.title(), presence.browser()));
			// Customers, erasures and tags carry no site yet: only staff who serve every
			// site hear them live (an agent limited to sites sees them on reload).
			case LiveEvent.CustomerChanged changed ->
				toStaff(null, new ServerFrame.CustomerChanged(changed.customer().toString(), changed.name(),
						changed.email(), (changed.mergedInto() != null) ? changed.mergedInto().toString() : null));
			case LiveEvent.ConversationLinked linked -> linked(linked);
			case LiveEvent.CustomerErased erased -> toStaff(null, new ServerFrame.Erased(erased.customer().toString(),
					erased.conversations().stream().map(Object::toString).toList()));
			case LiveEvent.TagsChanged tags -> toStaff(null,
					new ServerFrame.Tags((tags.conversation() != null) ? tags.conversation().toString() : null,
							(tags.customer() != null) ? tags.customer().toString() : null, tags.tags()));
			case LiveEvent.TeamChanged team -> {
				// Every node hears it: messages to visitors carry the new names from now
				// on.
				this.views.rename(team.team());
				toAll(this.connections.staff(),
						new ServerFrame.Team(team.team()
							.stream()
							.map((member) -> new ServerFrame.Member(member.id().toString(), member.displayName()))
							.toList()));
			}
			case LiveEvent.SessionEnded ended -> {
				for (Connection connection : this.connections.staff()) {
					String session = connection.httpSession();
					if (session != null && digest(session).equals(ended.digest())) {
						connection.closeAsync(CloseCodes.SESSION_ENDED);
					}
				}
			}
			case LiveEvent.SessionsEnded ended -> this.connections.ofStaff(ended.account())
				.forEach((connection) -> connection.closeAsync(CloseCodes.SESSION_ENDED));
		}
	}

	/**
	 * A visitor's socket follows a conversation that is theirs, or their customer's from
	 * a browser the site vouched for: once staff link it to another customer, a vouched
	 * browser of the previous one stops following it, told with {@code unsubscribed}, and
	 * hears nothing more of it.
	 */
	private void linked(LiveEvent.ConversationLinked linked) {
		for (Subscription subscription : this.subscriptions.of(linked.conversation())) {
			Connection connection = subscription.connection();
			if (subscription.forStaff() || !connection.isVisitor()) {
				continue;
			}
			VisitorPrincipal visitor = connection.visitor();
			if (visitor.visitorId().equals(linked.visitor()) || linked.customer().equals(visitor.customerId())) {
				continue;
			}
			if (connection.unsubscribe(linked.conversation()) == subscription) {
				subscription.cancel();
				this.subscriptions.remove(subscription);
				connection.send(Wire.write(new ServerFrame.Unsubscribed(linked.conversation().toString(), null)));
			}
		}
	}

	private void entry(LogEntry entry) {
		Collection<Subscription> followers = this.subscriptions.of(entry.conversationId());
		if (followers.isEmpty()) {
			return;
		}
		String forVisitors = null;
		String forStaff = null;
		int delivered = 0;
		for (Subscription subscription : followers) {
			String frame;
			if (subscription.forStaff()) {
				frame = (forStaff != null) ? forStaff : (forStaff = this.views.eventText(entry, true));
			}
			else {
				frame = (forVisitors != null) ? forVisitors : (forVisitors = this.views.eventText(entry, false));
			}
			subscription.deliver(entry, frame);
			delivered++;
		}
		this.messagesOut.increment(delivered);
		Duration latency = Duration.between(entry.at(), Instant.now());
		this.deliveryLatency.record(latency.isNegative() ? Duration.ZERO : latency);
	}

	private void read(LiveEvent.ReadMarked read) {
		ServerFrame frame = new ServerFrame.Read(read.id().toString(), lower(read.side()), read.seq());
		if (read.forStaff()) {
			toStaff(read.site(), frame);
		}
		else {
			toVisitorFollowers(read.id(), frame);
		}
	}

	private void typing(LiveEvent.Typing typing) {
		if (typing.side() == Sender.Kind.VISITOR) {
			toStaff(typing.site(),
					new ServerFrame.Typing(typing.id().toString(), "visitor", typing.typing(), null, typing.draft()));
		}
		else {
			toVisitorFollowers(typing.id(),
					new ServerFrame.Typing(typing.id().toString(), "staff", typing.typing(), typing.name(), null));
		}
	}

	private void toVisitorFollowers(ConversationId id, ServerFrame frame) {
		String text = null;
		for (Subscription subscription : this.subscriptions.of(id)) {
			if (!subscription.forStaff()) {
				text = (text != null) ? text : Wire.write(frame);
				subscription.connection().send(text);
			}
		}
	}

	/**
	 * To every staff socket that serves the site: encoded once, the socket's scope
	 * checked as the same text is handed out.
	 */
	private void toStaff(@Nullable SiteId site, ServerFrame frame) {
		Collection<Connection> staff = this.connections.staff();
		if (staff.isEmpty()) {
			return;
		}
		String text = Wire.write(frame);
		for (Connection connection : staff) {
			if (connection.serves(site)) {
				connection.send(text);
			}
		}
	}

	private static void toAll(Collection<Connection> sockets, ServerFrame frame) {
		if (sockets.isEmpty()) {
			return;
		}
		String text = Wire.write(frame);
		for (Connection connection : sockets) {
			connection.send(text);
		}
	}

	/**
	 * The digest under which a staff session's end travels between nodes (never the
	 * session id itself).
	 */
	static String digest(String sessionId) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
