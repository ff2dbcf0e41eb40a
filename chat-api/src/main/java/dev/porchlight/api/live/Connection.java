package dev.porchlight.api.live;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.websocket.StaffHandshakeInterceptor;
import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * One open socket of a visitor or a staff member: who it is, what it follows, and its
 * outbox. Everything that may stay empty for an idle socket (subscriptions, the parts of
 * a frame, the conversations it was found allowed in) is allocated on first use.
 */
final class Connection {

	/** What {@link #assemble} answers for a frame over the limit. */
	static final String TOO_LARGE = new String("too large");

	private final OutboxSessionDecorator session;

	private final @Nullable VisitorPrincipal visitor;

	private final @Nullable StaffPrincipal staff;

	// The sites a limited staff member serves; null for everybody else (every site).
	private final @Nullable Set<SiteId> sites;

	private volatile @Nullable Map<ConversationId, Subscription> subscriptions;

	private volatile @Nullable Set<ConversationId> allowed;

	// The parts of a frame received so far; only while a frame spans several parts.
	private @Nullable StringBuilder partial;

	/** The UTF-8 length of {@link #partial}. */
	private int partialBytes;

	private long errorWindowStart;

	private int errorsInWindow;

	// Closed for abuse: frames still arriving before the close are not handled.
	private volatile boolean refused;

	private @Nullable FrameBudget budget;

	private @Nullable Semaphore sends;

	private volatile long lastHeardMillis = System.currentTimeMillis();

	Connection(OutboxSessionDecorator session, @Nullable VisitorPrincipal visitor, @Nullable StaffPrincipal staff) {
		this.session = session;
		this.visitor = visitor;
		this.staff = staff;
		SiteScope scope = (staff != null) ? staff.siteScope() : SiteScope.all();
		this.sites = scope.isAll() ? null : scope.sites();
	}

	String id() {
		return this.session.getId();
	}

	OutboxSessionDecorator session() {
		return this.session;
	}

	boolean isVisitor() {
		return this.visitor != null;
	}

	VisitorPrincipal visitor() {
		if (this.visitor == null) {
			throw new IllegalStateException("not a visitor socket");
		}
		return this.visitor;
	}

	StaffPrincipal staff() {
		if (this.staff == null) {
			throw new IllegalStateException("not a staff socket");
		}
		return this.staff;
	}

	/**
	 * Whether this socket may hear of what belongs to a site: a staff member limited to
	 * some sites only of those (an event naming no site only reaches staff who serve
	 * every site). Checked per socket when an already encoded frame is handed out.
	 * @param site the site, or null when the event does not say
	 * @return whether it may
	 */
	boolean serves(@Nullable SiteId site) {
		return this.sites == null || (site != null && this.sites.contains(site));
	}

	/**
	 * @return whether this is a staff member limited to some sites
	 */
	boolean limitedToSites() {
		return this.sites != null;
	}

	/**
	 * @return the sites a staff member limited to some sites serves (empty for anyone
	 * else)
	 */
	Set<SiteId> sites() {
		return (this.sites != null) ? this.sites : Set.of();
	}

	/**
	 * Who writes through this socket, from its credentials, never from a frame.
	 */
	Sender sender() {
		return isVisitor() ? Sender.visitor(visitor().visitorId()) : Sender.staff(staff().id());
	}

	@Nullable String browser() {
		return (String) this.session.getAttributes().get(VisitorHandshakeInterceptor.BROWSER);
	}

	/**
	 * @return the staff member's HTTP session id, null for a visitor
	 */
	@Nullable String httpSession() {
		return (String) this.session.getAttributes().get(StaffHandshakeInterceptor.HTTP_SESSION);
	}

	String address() {
		InetSocketAddress remote = this.session.getRemoteAddress();
		return (remote != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

	void send(String frame) {
		this.session.send(frame);
	}

	/** The answer to this socket's own frame, on the thread handling it. */
	void reply(String frame) {
		this.session.reply(frame);
	}

	void sendPaced(String frame) {
		this.session.sendPaced(frame);
	}

	void closeWhenFlushed(CloseStatus status) {
		this.session.closeWhenFlushed(status);
	}

	void closeAsync(CloseStatus status) {
		this.session.closeAsync(status);
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	void heard() {
		this.lastHeardMillis = System.currentTimeMillis();
	}

	long lastHeardMillis() {
		return this.lastHeardMillis;
	}

	/**
	 * Puts a frame together from the parts the server hands over.
	 * @param part the next part
	 * @param last whether it ends the frame
	 * @param limit the most bytes a frame may have, in UTF-8 as it travelled
	 * @return the whole frame; null while parts are missing; {@link #TOO_LARGE} (compare
	 * by identity) when the frame exceeds the limit
	 */
	@Nullable String assemble(String part, boolean last, int limit) {
		if (this.partial == null && last) {
			// At most 3 bytes a character: most frames need no counting.
			return (part.length() > limit / 3 && utf8Length(part) > limit) ? TOO_LARGE : part;
		}
		if (this.partial == null) {
			this.partial = new StringBuilder(part.length() * 2);
			this.partialBytes = 0;
		}
		this.partial.append(part);
		this.partialBytes += utf8Length(part);
		if (this.partialBytes > limit) {
			this.partial = null;
			return TOO_LARGE;
		}
		if (!last) {
			return null;
		}
		String whole = this.partial.toString();
		this.partial = null;
		return whole;
	}

	/**
	 * Counts a protocol error and says whether the socket caused more than it may in a
	 * minute.
	 * @param limit errors allowed per minute
	 * @return true when the socket should be closed for abuse
	 */
	synchronized boolean tooManyErrors(int limit) {
		long now = System.currentTimeMillis();
		if (now - this.errorWindowStart >= 60_000) {
			this.errorWindowStart = now;
			this.errorsInWindow = 0;
		}
		if (++this.errorsInWindow > limit) {
			this.refused = true;
		}
		return this.refused;
	}

	/**
	 * @return whether the socket is being closed for abuse (its remaining frames are
	 * ignored)
	 */
	boolean refused() {
		return this.refused;
	}

	/**
	 * This socket's budget of frames that no Redis-backed limit counts, made on first
	 * use.
	 */
	synchronized FrameBudget budget(FrameLimits limits, long nowNanos) {
		if (this.budget == null) {
			this.budget = new FrameBudget(limits, nowNanos);
		}
		return this.budget;
	}

	/**
	 * The places for this socket's messages being stored at once, made on first use.
	 */
	synchronized Semaphore sends(int places) {
		if (this.sends == null) {
			this.sends = new Semaphore(places);
		}
		return this.sends;
	}

	boolean allowedIn(ConversationId conversation) {
		Set<ConversationId> allowed = this.allowed;
		return allowed != null && allowed.contains(conversation);
	}

	synchronized void allowIn(ConversationId conversation) {
		if (this.allowed == null) {
			this.allowed = ConcurrentHashMap.newKeySet(2);
		}
		this.allowed.add(conversation);
	}

	@Nullable Subscription subscription(ConversationId conversation) {
		Map<ConversationId, Subscription> subscriptions = this.subscriptions;
		return (subscriptions != null) ? subscriptions.get(conversation) : null;
	}

	/**
	 * Registers a subscription unless one exists.
	 * @return the subscription now registered for the conversation
	 */
	synchronized Subscription subscribe(Subscription fresh) {
		if (this.subscriptions == null) {
			this.subscriptions = new ConcurrentHashMap<>(4);
		}
		Subscription existing = this.subscriptions.putIfAbsent(fresh.conversation(), fresh);
		return (existing != null) ? existing : fresh;
	}

	@Nullable Subscription unsubscribe(ConversationId conversation) {
		Map<ConversationId, Subscription> subscriptions = this.subscriptions;
		return (subscriptions != null) ? subscriptions.remove(conversation) : null;
	}

	Collection<Subscription> subscriptions() {
		Map<ConversationId, Subscription> subscriptions = this.subscriptions;
		return (subscriptions != null) ? List.copyOf(subscriptions.values()) : List.of();
	}

	@Override
	public String toString() {
		return (isVisitor() ? "visitor socket " : "staff socket ") + id();
	}

	/**
	 * The length of text in UTF-8, as a frame's limit counts it: a surrogate pair is 4
	 * bytes (2 per half), any other character 1 to 3.
	 */
	static int utf8Length(CharSequence text) {
		int bytes = text.length();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x80) {
				bytes += (c < 0x800 || Character.isSurrogate(c)) ? 1 : 2;
			}
		}
		return bytes;
	}

}
