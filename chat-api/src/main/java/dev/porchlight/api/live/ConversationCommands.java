package dev.porchlight.api.live;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.visitor.Revocations;
import dev.porchlight.domain.visitor.Visitors;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * What the frames about conversations do: start, follow, read, close, reopen, assign,
 * list ({@code send} is {@link MessageCommands}'s). Every one is authorised against the
 * socket's principal; who wrote a message is always taken from the principal, never from
 * the frame. The events other sockets see are published by the store in the step that
 * makes the change.
 */
@Component
class ConversationCommands {

	private final LiveConversations live;

	private final Access access;

	private final Subscriptions subscriptions;

	private final ConversationLog log;

	private final Views views;

	private final RateLimiter limiter;

	private final Customers customers;

	private final Visitors visitors;

	private final Revocations revocations;

	private final Accounts accounts;

	private final ReplicaAcks replicaAcks;

	private final RateLimit conversationsPerVisitor;

	private final RateLimit conversationsPerAddress;

	private final RateLimit conversationsPerSite;

	private final Clock clock = Clock.systemUTC();

	ConversationCommands(LiveConversations live, Access access, Subscriptions subscriptions, ConversationLog log,
			Views views, RateLimiter limiter, Customers customers, Visitors visitors, Revocations revocations,
			Accounts accounts, ReplicaAcks replicaAcks, LiveProperties properties) {
		this.replicaAcks = replicaAcks;
		this.live = live;
		this.access = access;
		this.subscriptions = subscriptions;
		this.log = log;
		this.views = views;
		this.limiter = limiter;
		this.customers = customers;
		this.visitors = visitors;
		this.revocations = revocations;
		this.accounts = accounts;
		this.conversationsPerVisitor = new RateLimit("live.conversations.visitor", properties.conversationsPerVisitor(),
				Duration.ofHours(1));
		this.conversationsPerAddress = new RateLimit("live.conversations.address", properties.conversationsPerAddress(),
				Duration.ofHours(1));
		this.conversationsPerSite = new RateLimit("live.conversations.site", properties.conversationsPerSite(),
				Duration.ofMinutes(1));
	}

	ServerFrame start(Connection connection, ClientFrame.Start frame) {
		if (!connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only visitors start conversations.");
		}
		VisitorPrincipal visitor = connection.visitor();
		if (this.revocations.isRevoked(visitor.visitorId())) {
			// A socket opened before the customer was erased: it closes when its token
			// expires.
			throw new ProtocolException("forbidden", "This visitor no longer exists.");
		}
		limit(this.conversationsPerVisitor, visitor.visitorId().toString());
		limit(this.conversationsPerAddress, connection.address());
		// Last: a visitor or address refused for its own flood takes nothing from what
		// every visitor of the site shares (many addresses at once meet this one).
		limit(this.conversationsPerSite, visitor.siteId().toString());
		// The site-vouched customer, or else the record the visitor's own pre-chat form
		// created: the owner sees who wrote. Only the vouched one grants the visitor
		// access to other conversations (see Access).
		CustomerId customer = (visitor.customerId() != null) ? visitor.customerId()
				: this.visitors.contactCustomer(visitor.visitorId()).orElse(null);
		Conversation conversation = Conversation.start(visitor.siteId(), visitor.visitorId(), customer, frame.context(),
				this.clock.instant());
		this.live.start(conversation);
		connection.allowIn(conversation.id());
		if (customer != null) {
			this.customers.recordVisit(customer, new Customers.Visit(frame.context().url(), frame.context().title(),
					frame.context().referrer(), frame.context().locale(), connection.browser()));
		}
		LiveConversation started = this.live.find(conversation.id()).orElseThrow();
		// The visitor follows the new conversation right away, from the beginning.
		follow(connection, started, 0, (last) -> null);
		return new ServerFrame.Started(this.views.visitor(started), frame.ref());
	}

	@Nullable ServerFrame subscribe(Connection connection, ClientFrame.Subscribe frame) {
		LiveConversation conversation = this.access.accessible(connection, frame.conversationId());
		boolean staff = !connection.isVisitor();
		String ref = frame.ref();
		// synced is queued before the subscription lets go, so no live event precedes it.
		follow(connection, conversation, Math.min(frame.afterSeq(), conversation.lastSeq()), (last) -> Wire.write(
				new ServerFrame.Synced(conversation.id().toString(), last, this.views.view(conversation, staff), ref)));
		return null;
	}

	/**
	 * Makes the socket follow a conversation from {@code afterSeq}: registered (held, so
	 * live entries are only noted), then the node hears the conversation, then the
	 * catch-up from the log, then what was noted.
	 */
	private void follow(Connection connection, LiveConversation conversation, long afterSeq,
			java.util.function.LongFunction<@Nullable String> synced) {
		Subscription fresh = new Subscription(connection, conversation.id(), this.log, this.views);
		Subscription subscription = connection.subscribe(fresh);
		subscription.hold();
		if (subscription == fresh) {
			try {
				this.subscriptions.add(subscription);
			}
			catch (RuntimeException ex) {
				connection.unsubscribe(conversation.id());
				subscription.cancel();
				subscription.release();
				throw ex;
			}
		}
		subscription.catchUp(afterSeq, synced);
	}

	ServerFrame unsubscribe(Connection connection, ClientFrame.Unsubscribe frame) {
		LiveConversation conversation = this.access.accessible(connection, frame.conversationId());
		Subscription subscription = connection.unsubscribe(conversation.id());
		if (subscription != null) {
			subscription.cancel();
			this.subscriptions.remove(subscription);
		}
		return new ServerFrame.Unsubscribed(conversation.id().toString(), frame.ref());
	}

	ServerFrame read(Connection connection, ClientFrame.Read frame) {
		LiveConversation conversation = this.access.accessible(connection, frame.conversationId());
		long seq = this.live.markRead(conversation.id(), connection.sender().kind(), frame.seq());
		return new ServerFrame.ReadOk(conversation.id().toString(), seq, frame.ref());
	}

	ServerFrame status(Connection connection, ClientFrame frame, ConversationStatus status) {
		LiveConversation conversation = this.access.accessible(connection, switch (frame) {
			case ClientFrame.Close close -> close.conversationId();
			case ClientFrame.Reopen reopen -> reopen.conversationId();
			default -> throw new IllegalArgumentException("not a status frame");
		});
		if (status == ConversationStatus.OPEN && connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Visitors reopen a conversation by writing to it.");
		}
		boolean waitForReplicas = this.replicaAcks.enabled();
		Optional<LogEntry> entry = this.live.changeStatus(conversation.id(), status, connection.sender(),
				this.clock.instant(), !waitForReplicas);
		if (waitForReplicas) {
			// As for a message: told once replicas hold it. A retry that finds the
			// status changed already announces the log's end again, in case the first
			// attempt ended waiting for replicas.
			this.replicaAcks.confirm(entry.isEmpty());
			long seq = entry.map(LogEntry::seq).orElse(conversation.lastSeq());
			if (seq > 0) {
				this.live.announce(conversation.id(), seq, seq);
			}
		}
		return new ServerFrame.StatusOk(conversation.id().toString(), status.name().toLowerCase(Locale.ROOT),
				entry.map(LogEntry::seq).orElse(null), frame.ref());
	}

	/**
	 * Staff assign a conversation to a colleague (or themselves), or to nobody.
	 */
	ServerFrame assign(Connection connection, ClientFrame.Assign frame) {
		if (connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only staff assign conversations.");
		}
		LiveConversation conversation = this.access.accessible(connection, frame.conversationId());
		if (frame.accountId() != null) {
			Account account = this.accounts.findById(frame.accountId()).orElse(null);
			if (account == null || !account.enabled()) {
				throw new ProtocolException("invalid_field", "No such staff member.");
			}
			if (!this.accounts.siteScope(account.id()).includes(conversation.conversation().siteId())) {
				throw new ProtocolException("invalid_field", "That staff member does not serve this site.");
			}
		}
		this.live.assignStaff(conversation.id(), frame.accountId());
		return new ServerFrame.AssignOk(conversation.id().toString(),
				(frame.accountId() != null) ? frame.accountId().toString() : null, frame.ref());
	}

	ServerFrame conversations(Connection connection, ClientFrame.ListConversations frame) {
		boolean staff = !connection.isVisitor();
		return new ServerFrame.Conversations(
				(staff ? this.access.inbox(connection, 500) : this.access.visible(connection.visitor())).stream()
					.map((conversation) -> this.views.view(conversation, staff))
					.toList(),
				frame.ref());
	}

	private void limit(RateLimit limit, String key) {
		RateLimiter.Decision decision = this.limiter.tryAcquire(limit, key);
		if (!decision.allowed()) {
			throw new ProtocolException("rate_limited", "Too many requests; slow down.",
					decision.retryAfter().toMillis());
		}
	}

}
