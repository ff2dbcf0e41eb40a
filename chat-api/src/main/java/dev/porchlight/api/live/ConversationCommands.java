package dev.porchlight.api.live;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.porchlight.api.attachment.AttachmentProperties;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.visitor.Revocations;
import dev.porchlight.domain.visitor.Visitors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * What the frames about conversations do: start, send, follow, read, close, reopen,
 * assign, list. Every one is authorised against the socket's principal; who wrote a
 * message is always taken from the principal, never from the frame. The events other
 * sockets see are published by the store in the step that makes the change.
 */
@Component
class ConversationCommands {

	private static final Logger logger = LoggerFactory.getLogger(ConversationCommands.class);

	private final LiveConversations live;

	private final Access access;

	private final Subscriptions subscriptions;

	private final ConversationLog log;

	private final Views views;

	private final Admission admission;

	private final RateLimiter limiter;

	private final Customers customers;

	private final Visitors visitors;

	private final Revocations revocations;

	private final Accounts accounts;

	private final ReplicaAcks replicaAcks;

	private final Counter messagesIn;

	private final RateLimit visitorMessages;

	private final RateLimit staffMessages;

	private final RateLimit conversationsPerVisitor;

	private final RateLimit conversationsPerAddress;

	private final RateLimit siteMessages;

	private final RateLimit conversationsPerSite;

	private final Attachments attachments;

	private final int maxAttachments;

	private final Clock clock = Clock.systemUTC();

	ConversationCommands(LiveConversations live, Access access, Subscriptions subscriptions, ConversationLog log,
			Views views, Admission admission, RateLimiter limiter, Customers customers, Visitors visitors,
			Revocations revocations, Accounts accounts, ReplicaAcks replicaAcks, LiveProperties properties,
			MeterRegistry meters, Attachments attachments, AttachmentProperties attachmentProperties) {
		this.replicaAcks = replicaAcks;
		this.attachments = attachments;
		this.maxAttachments = attachmentProperties.maxPerMessage();
		this.live = live;
		this.access = access;
		this.subscriptions = subscriptions;
		this.log = log;
		this.views = views;
		this.admission = admission;
		this.limiter = limiter;
		this.customers = customers;
		this.visitors = visitors;
		this.revocations = revocations;
		this.accounts = accounts;
		this.messagesIn = Counter.builder("porchlight.messages.in").description("Messages accepted").register(meters);
		this.visitorMessages = new RateLimit("live.messages.visitor", properties.visitorMessages(),
				properties.messageWindow());
		this.staffMessages = new RateLimit("live.messages.staff", properties.staffMessages(),
				properties.messageWindow());
		this.conversationsPerVisitor = new RateLimit("live.conversations.visitor", properties.conversationsPerVisitor(),
				Duration.ofHours(1));
		this.conversationsPerAddress = new RateLimit("live.conversations.address", properties.conversationsPerAddress(),
				Duration.ofHours(1));
		this.siteMessages = new RateLimit("live.messages.site", properties.siteMessages(), properties.messageWindow());
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

	/**
	 * Stores a message. On the common path (no files, no waiting for replicas) the answer
	 * follows when Redis has run the append: the socket's next frame is handled
	 * meanwhile, and its appends reach Redis in the order they were sent.
	 * @return the {@code ack}, done or under way
	 */
	CompletableFuture<ServerFrame> send(Connection connection, ClientFrame.Send frame) {
		this.access.mayWrite(connection, frame.conversationId());
		Quota quota = connection.isVisitor()
				? new Quota(this.visitorMessages, connection.visitor().visitorId().toString())
				: new Quota(this.staffMessages, connection.staff().id().toString());
		// What all visitors of the site share, counted after the visitor's own limit.
		Quota site = connection.isVisitor() ? new Quota(this.siteMessages, connection.visitor().siteId().toString())
				: null;
		if (frame.attachments().isEmpty() && !this.replicaAcks.enabled()) {
			// One round trip: limits, de-duplication, append, state and events together.
			this.admission.enter();
			CompletableFuture<LiveConversations.Appended> appending;
			try {
				appending = this.live.appendAsync(frame.conversationId(), frame.clientId(), connection.sender(),
						frame.body(), List.of(), this.clock.instant(), quota, site);
			}
			catch (RuntimeException ex) {
				this.admission.leave();
				throw ex;
			}
			return appending.whenComplete((appended, failure) -> this.admission.leave())
				.thenApply((appended) -> ack(frame, appended));
		}
		return CompletableFuture.completedFuture(sendAndWait(connection, frame, quota, site));
	}

	/**
	 * A message with files (released again if it is not stored) or one nobody may hear of
	 * before replicas hold it: stored before the handler goes on.
	 */
	private ServerFrame sendAndWait(Connection connection, ClientFrame.Send frame, Quota quota, @Nullable Quota site) {
		Attachments.Claim files = claim(connection, frame);
		LiveConversations.Appended appended;
		boolean waitForReplicas = this.replicaAcks.enabled();
		try {
			this.admission.enter();
		}
		catch (RuntimeException ex) {
			release(files.fresh(), frame);
			throw ex;
		}
		try {
			try {
				appended = this.live.append(frame.conversationId(), frame.clientId(), connection.sender(), frame.body(),
						files.attachments(), this.clock.instant(), quota, site, !waitForReplicas);
			}
			catch (RuntimeException ex) {
				// Not stored (refused, or Redis away): the files are the sender's to send
				// again.
				release(files.fresh(), frame);
				throw ex;
			}
			if (appended.duplicate()) {
				// Stored before, by an attempt that did not take these: they are not in
				// it.
				release(files.fresh(), frame);
			}
			if (waitForReplicas) {
				// With porchlight.live.replica-acks nobody hears of the message before
				// replicas hold it. A resend found as a duplicate is announced again: its
				// first attempt may have ended waiting for replicas that did not answer,
				// and receivers drop what they already have.
				this.replicaAcks.confirm(appended.duplicate());
				long from = appended.reopened().map(LogEntry::seq).orElse(appended.entry().seq());
				this.live.announce(frame.conversationId(), from, appended.entry().seq());
			}
		}
		finally {
			this.admission.leave();
		}
		return ack(frame, appended);
	}

	private ServerFrame ack(ClientFrame.Send frame, LiveConversations.Appended appended) {
		if (!appended.duplicate()) {
			this.messagesIn.increment();
		}
		return new ServerFrame.Ack(frame.conversationId().toString(), frame.clientId().value(), appended.entry().seq(),
				appended.entry().at().toString(), appended.duplicate(), frame.ref());
	}

	/**
	 * The uploads a message names, given to it (one PostgreSQL statement, only for
	 * messages with files): each must be the sender's, uploaded into this conversation,
	 * and not sent with another message.
	 */
	private Attachments.Claim claim(Connection connection, ClientFrame.Send frame) {
		if (frame.attachments().isEmpty()) {
			return NO_FILES;
		}
		if (frame.attachments().size() > this.maxAttachments) {
			throw new ProtocolException("too_many_attachments",
					"A message carries at most " + this.maxAttachments + " files.");
		}
		try {
			return this.attachments.claim(frame.conversationId(), connection.sender(), frame.clientId(),
					frame.attachments());
		}
		catch (DomainException ex) {
			throw new ProtocolException(ex.code(), ex.getMessage());
		}
		catch (DataAccessException ex) {
			throw new ProtocolException("unavailable", "Files cannot be sent right now; nothing was sent.",
					FILES_RETRY_MILLIS);
		}
	}

	private static final long FILES_RETRY_MILLIS = 5_000;

	private static final Attachments.Claim NO_FILES = new Attachments.Claim(List.of(), List.of());

	/**
	 * Gives uploads back that this attempt took but the message does not carry. Best
	 * effort: an upload left taken cannot be sent with another message, and its sender
	 * can upload the file again.
	 */
	private void release(List<AttachmentId> fresh, ClientFrame.Send frame) {
		if (fresh.isEmpty()) {
			return;
		}
		try {
			this.attachments.release(fresh, frame.clientId());
		}
		catch (DataAccessException ex) {
			logger.warn("Files of a message that was not stored stay taken: {}", ex.getClass().getSimpleName());
		}
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
