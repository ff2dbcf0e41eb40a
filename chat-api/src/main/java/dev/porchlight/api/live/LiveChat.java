package dev.porchlight.api.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationNotFoundException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Revocations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * What a frame from a socket does. Every command is authorised against the socket's
 * authenticated principal: a visitor touches only their own conversations (or, vouched
 * for by the site, their customer's on that site), staff touch any; who sent a message is
 * always taken from the principal, never from the frame.
 */
@Service
class LiveChat {

	static final int MAX_DRAFT = 1000;

	private final LiveConversations live;

	private final ConversationLog log;

	private final Fanout fanout;

	private final Encoding encoding;

	private final RateLimiter limiter;

	private final Presences presences;

	private final Sites sites;

	private final Customers customers;

	private final Revocations revocations;

	private final Visitors visitors;

	private final Accounts accounts;

	private final LiveProperties properties;

	private final Counter messagesIn;

	private final RateLimit visitorMessages;

	private final RateLimit staffMessages;

	private final RateLimit conversationsPerVisitor;

	private final RateLimit conversationsPerAddress;

	private final Clock clock = Clock.systemUTC();

	private final ReplicaAcks replicaAcks;

	LiveChat(LiveConversations live, ConversationLog log, Fanout fanout, Encoding encoding, RateLimiter limiter,
			Presences presences, Sites sites, Customers customers, Revocations revocations, Visitors visitors,
			Accounts accounts, LiveProperties properties, MeterRegistry meters, ReplicaAcks replicaAcks) {
		this.replicaAcks = replicaAcks;
		this.log = log;
		this.accounts = accounts;
		this.visitors = visitors;
		this.revocations = revocations;
		this.customers = customers;
		this.live = live;
		this.fanout = fanout;
		this.encoding = encoding;
		this.limiter = limiter;
		this.presences = presences;
		this.sites = sites;
		this.properties = properties;
		this.messagesIn = Counter.builder("porchlight.messages.in").description("Messages accepted").register(meters);
		this.visitorMessages = new RateLimit("live.messages.visitor", properties.visitorMessages(),
				properties.messageWindow());
		this.staffMessages = new RateLimit("live.messages.staff", properties.staffMessages(),
				properties.messageWindow());
		this.conversationsPerVisitor = new RateLimit("live.conversations.visitor", properties.conversationsPerVisitor(),
				Duration.ofHours(1));
		this.conversationsPerAddress = new RateLimit("live.conversations.address", properties.conversationsPerAddress(),
				Duration.ofHours(1));
	}

	/**
	 * Handles one frame and returns the direct answer, if any. Events for other sockets
	 * go out through the fan-out.
	 * @param connection the socket the frame came from
	 * @param frame the frame
	 * @return the answer frame, or null
	 */
	@Nullable Map<String, Object> handle(Connection connection, Frame frame) {
		String type = frame.type();
		return switch (type) {
			case "ping" -> Frame.out("pong");
			case "start" -> start(connection, frame);
			case "send" -> send(connection, frame);
			case "subscribe" -> subscribe(connection, frame);
			case "unsubscribe" -> unsubscribe(connection, frame);
			case "typing" -> typing(connection, frame);
			case "read" -> read(connection, frame);
			case "close" -> status(connection, frame, ConversationStatus.CLOSED);
			case "reopen" -> status(connection, frame, ConversationStatus.OPEN);
			case "conversations" -> conversations(connection);
			case "page" -> page(connection, frame);
			case "availability" -> availability(connection, frame);
			case "assign" -> assign(connection, frame);
			default -> throw new ProtocolException("unknown_type", "Unknown frame type.");
		};
	}

	Map<String, Object> welcome(Connection connection) {
		Map<String, Object> frame = Frame.out("welcome");
		frame.put("protocol", "porchlight.v1");
		frame.put("heartbeatMs", this.properties.heartbeatInterval().toMillis());
		frame.put("maxFrameBytes", this.properties.maxFrameBytes());
		frame.put("maxMessageLength", MessageBody.MAX_LENGTH);
		frame.put("staffAvailable", this.presences.anyStaffAvailable());
		if (connection.isVisitor()) {
			VisitorPrincipal visitor = connection.visitor();
			frame.put("role", "visitor");
			frame.put("visitorId", visitor.visitorId().toString());
			frame.put("conversations",
					visible(visitor).stream()
						.map((conversation) -> this.encoding.conversation(conversation, false))
						.toList());
		}
		else {
			frame.put("role", "staff");
			frame.put("accountId", connection.staff().id().toString());
			frame.put("conversations",
					this.live.inbox(500)
						.stream()
						.map((conversation) -> this.encoding.conversation(conversation, true))
						.toList());
		}
		return frame;
	}

	private Map<String, Object> start(Connection connection, Frame frame) {
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
		Frame context = frame.object("context");
		PageContext page = (context != null) ? domain(() -> new PageContext(context.optionalText("url"),
				context.optionalText("title"), context.optionalText("referrer"), context.optionalText("locale")))
				: PageContext.unknown();
		// The site-vouched customer, or else the record the visitor's own pre-chat form
		// created: the owner sees who wrote. Only the vouched one grants the visitor
		// access to other conversations (see visibleTo).
		CustomerId customer = (visitor.customerId() != null) ? visitor.customerId()
				: this.visitors.contactCustomer(visitor.visitorId()).orElse(null);
		Conversation conversation = Conversation.start(visitor.siteId(), visitor.visitorId(), customer, page,
				this.clock.instant());
		this.live.start(conversation);
		if (customer != null) {
			this.customers.recordVisit(customer, new Customers.Visit(page.url(), page.title(), page.referrer(),
					page.locale(), connection.browser()));
		}
		this.fanout.conversationChanged(conversation.id());
		LiveConversation started = this.live.find(conversation.id()).orElseThrow();
		// The visitor follows the new conversation right away, from the beginning.
		connection.follow(conversation.id(), 0,
				(after) -> this.log.after(conversation.id(), after, Fanout.CATCH_UP_BATCH),
				(entry) -> this.encoding.event(entry, false), (last) -> null);
		Map<String, Object> answer = Frame.out("started");
		answer.put("conversation", this.encoding.conversation(started, false));
		return answer;
	}

	private Map<String, Object> send(Connection connection, Frame frame) {
		ConversationId id = domain(() -> ConversationId.parse(frame.text("conversationId")));
		if (connection.isVisitor() && !connection.allowedIn(id)) {
			// Checked once per socket: who started a conversation never changes, and a
			// customer's conversations are only ever added to. Staff may write in any
			// conversation; one that does not exist is refused by the append itself.
			accessible(connection, frame);
			connection.allowIn(id);
		}
		ClientMessageId clientId = domain(() -> new ClientMessageId(frame.text("clientId")));
		MessageBody body = domain(() -> new MessageBody(frame.text("body")));
		Sender sender = sender(connection);
		if (connection.isVisitor()) {
			limit(this.visitorMessages, connection.visitor().visitorId().toString());
		}
		else {
			limit(this.staffMessages, connection.staff().id().toString());
		}
		LiveConversations.Appended appended = this.live.append(id, clientId, sender, body, this.clock.instant());
		// With porchlight.live.replica-acks, nobody hears of the message before replicas
		// hold it.
		this.replicaAcks.confirm(appended.duplicate());
		if (!appended.duplicate()) {
			this.messagesIn.increment();
			appended.reopened().ifPresent(this.fanout::entry);
			this.fanout.entry(appended.entry());
		}
		else if (this.replicaAcks.enabled()) {
			// The first attempt may have ended before its fan-out, waiting for replicas
			// that did not answer in time; receivers drop what they already have.
			this.fanout.entry(appended.entry());
		}
		Map<String, Object> ack = Frame.out("ack");
		ack.put("conversationId", id.toString());
		ack.put("clientId", clientId.value());
		ack.put("seq", appended.entry().seq());
		ack.put("sentAt", appended.entry().at().toString());
		ack.put("duplicate", appended.duplicate());
		return ack;
	}

	private @Nullable Map<String, Object> subscribe(Connection connection, Frame frame) {
		LiveConversation conversation = accessible(connection, frame);
		long afterSeq = frame.has("afterSeq") ? frame.number("afterSeq") : 0;
		ConversationId id = conversation.id();
		boolean staff = !connection.isVisitor();
		String ref = frame.ref();
		// synced is queued before the subscription is released, so no live event can
		// precede it.
		connection.follow(id, Math.min(afterSeq, conversation.lastSeq()),
				(after) -> this.log.after(id, after, Fanout.CATCH_UP_BATCH),
				(entry) -> this.encoding.event(entry, staff), (last) -> {
					Map<String, Object> synced = Frame.out("synced");
					synced.put("conversationId", id.toString());
					synced.put("seq", last);
					synced.put("conversation", this.encoding.conversation(conversation, staff));
					if (ref != null) {
						synced.put("ref", ref);
					}
					return Frame.write(synced);
				});
		return null;
	}

	private Map<String, Object> unsubscribe(Connection connection, Frame frame) {
		LiveConversation conversation = accessible(connection, frame);
		connection.unfollow(conversation.id());
		Map<String, Object> answer = Frame.out("unsubscribed");
		answer.put("conversationId", conversation.id().toString());
		return answer;
	}

	private @Nullable Map<String, Object> typing(Connection connection, Frame frame) {
		LiveConversation conversation = accessible(connection, frame);
		boolean typing = frame.flag("typing");
		String draft = null;
		String name = null;
		if (connection.isVisitor()) {
			String text = frame.optionalText("draft");
			boolean preview = this.sites.findById(conversation.conversation().siteId())
				.map((site) -> site.widget().typingPreview())
				.orElse(false);
			if (preview && text != null) {
				draft = text.substring(0, Math.min(text.length(), MAX_DRAFT));
			}
		}
		else {
			name = connection.staff().displayName();
		}
		this.fanout.typing(conversation.id(), side(connection), typing, draft, name);
		return null;
	}

	private Map<String, Object> read(Connection connection, Frame frame) {
		LiveConversation conversation = accessible(connection, frame);
		long seq = this.live.markRead(conversation.id(), sender(connection).kind(), frame.number("seq"));
		this.fanout.read(conversation.id(), side(connection), seq);
		Map<String, Object> answer = Frame.out("read_ok");
		answer.put("conversationId", conversation.id().toString());
		answer.put("seq", seq);
		return answer;
	}

	private Map<String, Object> status(Connection connection, Frame frame, ConversationStatus status) {
		LiveConversation conversation = accessible(connection, frame);
		if (status == ConversationStatus.OPEN && connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Visitors reopen a conversation by writing to it.");
		}
		java.util.Optional<LogEntry> entry = this.live.changeStatus(conversation.id(), status, sender(connection),
				this.clock.instant());
		entry.ifPresent(this.fanout::entry);
		Map<String, Object> answer = Frame.out("status_ok");
		answer.put("conversationId", conversation.id().toString());
		answer.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
		answer.put("seq", entry.map(LogEntry::seq).orElse(null));
		return answer;
	}

	/**
	 * Staff assign a conversation to a colleague (or themselves), or to nobody.
	 */
	private Map<String, Object> assign(Connection connection, Frame frame) {
		if (connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only staff assign conversations.");
		}
		LiveConversation conversation = accessible(connection, frame);
		String wanted = frame.optionalText("accountId");
		AccountId staff = null;
		if (wanted != null) {
			staff = domain(() -> AccountId.parse(wanted));
			Account account = this.accounts.findById(staff).orElse(null);
			if (account == null || !account.enabled()) {
				throw new ProtocolException("invalid_field", "No such staff member.");
			}
		}
		this.live.assignStaff(conversation.id(), staff);
		this.fanout.conversationChanged(conversation.id());
		Map<String, Object> answer = Frame.out("assign_ok");
		answer.put("conversationId", conversation.id().toString());
		answer.put("accountId", (staff != null) ? staff.toString() : null);
		return answer;
	}

	private Map<String, Object> conversations(Connection connection) {
		List<LiveConversation> list = connection.isVisitor() ? visible(connection.visitor()) : this.live.inbox(500);
		Map<String, Object> answer = Frame.out("conversations");
		answer.put("conversations",
				list.stream()
					.map((conversation) -> this.encoding.conversation(conversation, !connection.isVisitor()))
					.toList());
		return answer;
	}

	private @Nullable Map<String, Object> page(Connection connection, Frame frame) {
		if (!connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only visitors report pages.");
		}
		PageContext page = domain(
				() -> new PageContext(frame.optionalText("url"), frame.optionalText("title"), null, null));
		VisitorPrincipal visitor = connection.visitor();
		this.presences.visitorSeen(visitor.visitorId(), page.url(), page.title(), this.properties.idleTimeout());
		this.fanout.visitorPresence(visitor.visitorId(), true, page.url(), page.title());
		if (visitor.customerId() != null) {
			this.customers.recordVisit(visitor.customerId(),
					new Customers.Visit(page.url(), page.title(), null, null, connection.browser()));
		}
		return null;
	}

	private Map<String, Object> availability(Connection connection, Frame frame) {
		if (connection.isVisitor()) {
			throw new ProtocolException("forbidden", "Only staff set availability.");
		}
		boolean available = frame.flag("available");
		this.presences.staffAvailability(connection.staff().id(), available);
		this.fanout.staffAvailability(this.presences.anyStaffAvailable());
		Map<String, Object> answer = Frame.out("availability_ok");
		answer.put("available", available);
		return answer;
	}

	/**
	 * The conversation a frame names, if this socket may touch it. "Does not exist" and
	 * "not yours" get the same answer, so ids cannot be probed.
	 */
	private LiveConversation accessible(Connection connection, Frame frame) {
		ConversationId id = domain(() -> ConversationId.parse(frame.text("conversationId")));
		LiveConversation conversation = this.live.find(id).orElseThrow(ConversationNotFoundException::new);
		if (connection.isVisitor() && !visibleTo(conversation.conversation(), connection.visitor())) {
			throw new ConversationNotFoundException();
		}
		return conversation;
	}

	private List<LiveConversation> visible(VisitorPrincipal visitor) {
		List<LiveConversation> own = this.live.ofVisitor(visitor.visitorId());
		if (visitor.customerId() == null) {
			return own;
		}
		java.util.Map<ConversationId, LiveConversation> all = new java.util.LinkedHashMap<>();
		own.forEach((conversation) -> all.put(conversation.id(), conversation));
		this.live.ofCustomer(visitor.siteId(), visitor.customerId())
			.forEach((conversation) -> all.putIfAbsent(conversation.id(), conversation));
		return all.values()
			.stream()
			.sorted(java.util.Comparator
				.comparing((LiveConversation conversation) -> conversation.conversation().lastActivityAt())
				.reversed())
			.toList();
	}

	static boolean visibleTo(Conversation conversation, VisitorPrincipal visitor) {
		if (conversation.belongsTo(visitor.visitorId())) {
			return true;
		}
		return visitor.customerId() != null && visitor.customerId().equals(conversation.customerId())
				&& visitor.siteId().equals(conversation.siteId());
	}

	private static Sender sender(Connection connection) {
		return connection.isVisitor() ? Sender.visitor(connection.visitor().visitorId())
				: Sender.staff(connection.staff().id());
	}

	private static String side(Connection connection) {
		return connection.isVisitor() ? "visitor" : "staff";
	}

	private void limit(RateLimit limit, String key) {
		RateLimiter.Decision decision = this.limiter.tryAcquire(limit, key);
		if (!decision.allowed()) {
			throw new ProtocolException("rate_limited", "Too many requests; slow down.",
					decision.retryAfter().toMillis());
		}
	}

	private static <T> T domain(java.util.function.Supplier<T> parse) {
		try {
			return parse.get();
		}
		catch (DomainException ex) {
			throw new ProtocolException(ex.code(), ex.getMessage());
		}
	}

	Instant now() {
		return this.clock.instant();
	}

}
