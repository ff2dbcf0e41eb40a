package dev.porchlight.api.live;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.websocket.StaffHandshakeInterceptor;
import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One open socket of a visitor or a staff member. Outgoing frames go into a bounded
 * outbox that a virtual thread of this socket drains, so whoever sends (the fan-out
 * thread, another socket's handler) never waits for this client. A client that stops
 * reading makes its outbox grow past {@code sendBufferBytes}, or keeps one write blocked
 * past {@code sendTimeLimit}; either way it is disconnected with 4500 instead of growing
 * server memory.
 *
 * <p>
 * For each conversation the socket follows, it remembers the last sequence delivered.
 * Entries are delivered strictly in order, each exactly once: older ones are dropped, and
 * a jump ahead is filled from the log first.
 */
final class Connection {

	private static final Logger log = LoggerFactory.getLogger(Connection.class);

	private final WebSocketSession session;

	private final @Nullable VisitorPrincipal visitor;

	private final @Nullable StaffPrincipal staff;

	private final String address;

	private final @Nullable String httpSession;

	private final @Nullable String browser;

	private final Map<ConversationId, Subscription> subscriptions = new ConcurrentHashMap<>();

	/** What {@link #assemble} answers for a frame over the limit. */
	static final String TOO_LARGE = new String("too large");

	// The parts of a frame received so far; only while a frame spans several parts.
	private @Nullable StringBuilder partial;

	// Conversations this visitor socket was found allowed to write in.
	private final Set<ConversationId> allowed = ConcurrentHashMap.newKeySet();

	private final Deque<Long> recentErrors = new ArrayDeque<>();

	private volatile Instant lastHeard = Instant.now();

	private final ReentrantLock outboxLock = new ReentrantLock();

	private final ArrayDeque<String> outbox = new ArrayDeque<>();

	private final long outboxLimit;

	private final long sendTimeLimitNanos;

	private long outboxChars;

	private boolean draining;

	private @Nullable CloseStatus closeWhenFlushed;

	private boolean overflowed;

	private boolean welcomed;

	private final Condition drained = this.outboxLock.newCondition();

	private volatile long writeStartedNanos;

	private volatile @Nullable CloseStatus closedWith;

	Connection(WebSocketSession session, LiveProperties properties, @Nullable VisitorPrincipal visitor,
			@Nullable StaffPrincipal staff) {
		this.session = session;
		this.outboxLimit = properties.sendBufferBytes();
		this.sendTimeLimitNanos = properties.sendTimeLimit().toNanos();
		this.visitor = visitor;
		this.staff = staff;
		this.httpSession = (String) session.getAttributes().get(StaffHandshakeInterceptor.HTTP_SESSION);
		this.browser = (String) session.getAttributes().get(VisitorHandshakeInterceptor.BROWSER);
		InetSocketAddress remote = session.getRemoteAddress();
		this.address = (remote != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

	String id() {
		return this.session.getId();
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

	@Nullable String browser() {
		return this.browser;
	}

	/**
	 * Puts a frame together from the parts the server hands over.
	 * @param part the next part
	 * @param last whether it ends the frame
	 * @param limit the most characters a frame may have
	 * @return the whole frame; null while parts are missing; {@link #TOO_LARGE} (compare
	 * by identity) when the frame exceeds the limit
	 */
	@Nullable String assemble(String part, boolean last, int limit) {
		if (this.partial == null && last) {
			return (part.length() > limit) ? TOO_LARGE : part;
		}
		if (this.partial == null) {
			this.partial = new StringBuilder(part.length() * 2);
		}
		this.partial.append(part);
		if (this.partial.length() > limit) {
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

	boolean allowedIn(ConversationId conversation) {
		return this.allowed.contains(conversation);
	}

	void allowIn(ConversationId conversation) {
		this.allowed.add(conversation);
	}

	boolean belongsTo(String httpSessionId) {
		return httpSessionId.equals(this.httpSession);
	}

	/**
	 * @return the staff member's HTTP session id, null for a visitor
	 */
	@Nullable String httpSession() {
		return this.httpSession;
	}

	String address() {
		return this.address;
	}

	void heard() {
		this.lastHeard = Instant.now();
	}

	Instant lastHeard() {
		return this.lastHeard;
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	/**
	 * Counts a protocol error and says whether the socket has caused too many in the last
	 * minute.
	 * @param limit errors allowed per minute
	 * @return true when the socket should be closed for abuse
	 */
	synchronized boolean tooManyErrors(int limit) {
		long now = System.currentTimeMillis();
		this.recentErrors.addLast(now);
		while (!this.recentErrors.isEmpty() && this.recentErrors.peekFirst() < now - 60_000) {
			this.recentErrors.removeFirst();
		}
		return this.recentErrors.size() > limit;
	}

	/**
	 * Queues a frame for this client without waiting for it. Until {@link #open} has put
	 * the {@code welcome} frame first, frames wait in the outbox.
	 * @param frame the frame's text
	 */
	void send(String frame) {
		boolean overflow = false;
		boolean startDrain = false;
		this.outboxLock.lock();
		try {
			if (!this.session.isOpen() || this.overflowed || this.closeWhenFlushed != null) {
				return;
			}
			this.outbox.addLast(frame);
			this.outboxChars += frame.length();
			// One frame larger than the buffer (a big inbox) is fine; a backlog is not.
			if (this.outboxChars > this.outboxLimit && this.outbox.size() > 1) {
				overflow = true;
				this.overflowed = true;
				this.outbox.clear();
				this.outboxChars = 0;
				this.drained.signalAll();
			}
			else if (this.welcomed && !this.draining) {
				this.draining = true;
				startDrain = true;
			}
		}
		finally {
			this.outboxLock.unlock();
		}
		if (overflow) {
			log.debug("Socket {} does not read fast enough; disconnecting", id());
			closeAsync(CloseCodes.TOO_SLOW);
		}
		else if (startDrain) {
			startDrain();
		}
	}

	/**
	 * Puts the {@code welcome} frame ahead of anything queued since the socket was
	 * registered, and starts sending.
	 * @param welcome the frame's text
	 */
	void open(String welcome) {
		boolean startDrain = false;
		this.outboxLock.lock();
		try {
			this.outbox.addFirst(welcome);
			this.outboxChars += welcome.length();
			this.welcomed = true;
			if (!this.draining) {
				this.draining = true;
				startDrain = true;
			}
		}
		finally {
			this.outboxLock.unlock();
		}
		if (startDrain) {
			startDrain();
		}
	}

	private void startDrain() {
		Thread.ofVirtual().name("socket-out-" + id()).start(this::drain);
	}

	/**
	 * Like {@link #send} but waits, up to the send-time limit, while the outbox is more
	 * than half full. Used for catching up on a backlog, which may be far larger than the
	 * buffer: it is paced by how fast the client reads instead of overflowing it. Must
	 * not be called from a thread shared by other sockets.
	 * @param frame the frame's text
	 */
	void sendPaced(String frame) {
		this.outboxLock.lock();
		try {
			long waitNanos = this.sendTimeLimitNanos;
			while (this.outboxChars > this.outboxLimit / 2 && this.session.isOpen() && !this.overflowed
					&& waitNanos > 0) {
				waitNanos = this.drained.awaitNanos(waitNanos);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.outboxLock.unlock();
		}
		send(frame);
	}

	private void drain() {
		while (true) {
			String next;
			CloseStatus closeNow = null;
			this.outboxLock.lock();
			try {
				next = this.outbox.pollFirst();
				if (next == null) {
					this.draining = false;
					closeNow = this.closeWhenFlushed;
				}
				else {
					this.outboxChars -= next.length();
				}
				this.drained.signalAll();
			}
			finally {
				this.outboxLock.unlock();
			}
			if (next == null) {
				if (closeNow != null) {
					close(closeNow);
				}
				return;
			}
			try {
				this.writeStartedNanos = System.nanoTime();
				this.session.sendMessage(new TextMessage(next));
			}
			catch (IOException | RuntimeException ex) {
				log.debug("Send to socket {} failed: {}", id(), ex.getMessage());
				this.outboxLock.lock();
				try {
					this.outbox.clear();
					this.outboxChars = 0;
					this.draining = false;
					this.overflowed = true;
					this.drained.signalAll();
				}
				finally {
					this.outboxLock.unlock();
				}
				closeAsync(CloseCodes.TOO_SLOW);
				return;
			}
			finally {
				this.writeStartedNanos = 0;
			}
		}
	}

	/**
	 * Whether one write to this client has been blocked for longer than the send-time
	 * limit (the client stopped reading and the network buffers are full).
	 * @return true when the client should be disconnected
	 */
	boolean stalled() {
		long started = this.writeStartedNanos;
		return started != 0 && System.nanoTime() - started > this.sendTimeLimitNanos;
	}

	/**
	 * How many characters wait to be sent to this client.
	 * @return the outbox size
	 */
	long queued() {
		this.outboxLock.lock();
		try {
			return this.outboxChars;
		}
		finally {
			this.outboxLock.unlock();
		}
	}

	/**
	 * Closes the socket once every frame queued before this call has been written, so a
	 * client learns why (an error frame, a {@code reconnect} frame) before the close.
	 * Frames sent after this call are dropped.
	 * @param status the close status
	 */
	void closeWhenFlushed(CloseStatus status) {
		boolean startDrain = false;
		this.outboxLock.lock();
		try {
			if (this.closeWhenFlushed != null) {
				return;
			}
			this.closeWhenFlushed = status;
			this.welcomed = true;
			if (!this.draining) {
				this.draining = true;
				startDrain = true;
			}
		}
		finally {
			this.outboxLock.unlock();
		}
		if (startDrain) {
			startDrain();
		}
	}

	void closeAsync(CloseStatus status) {
		Thread.ofVirtual().name("socket-close-" + id()).start(() -> close(status));
	}

	void close(CloseStatus status) {
		if (this.closedWith == null) {
			this.closedWith = status;
		}
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Closing socket {} failed: {}", id(), ex.getMessage());
		}
		this.outboxLock.lock();
		try {
			// Wake a catch-up waiting for room in the outbox: there is nobody to send to.
			this.drained.signalAll();
		}
		finally {
			this.outboxLock.unlock();
		}
	}

	/**
	 * @return why the server closed this socket, or null when the client did (or the
	 * connection broke)
	 */
	@Nullable CloseStatus closedWith() {
		return this.closedWith;
	}

	boolean follows(ConversationId conversation) {
		return this.subscriptions.containsKey(conversation);
	}

	/**
	 * Starts following a conversation after {@code afterSeq}: sends everything since,
	 * then the {@code synced} frame, then live entries as they come. The subscription is
	 * registered already locked, so no live entry can slip in between.
	 * @param conversation the conversation
	 * @param afterSeq the last sequence the client has
	 * @param log reads entries after a sequence
	 * @param encode turns an entry into a frame
	 * @param synced the frame that ends the catch-up, given the last sequence sent
	 * @return the last sequence delivered
	 */
	long follow(ConversationId conversation, long afterSeq, Function<Long, List<LogEntry>> log,
			Function<LogEntry, String> encode, Function<Long, @Nullable String> synced) {
		Subscription fresh = new Subscription();
		fresh.lock.lock();
		Subscription subscription = this.subscriptions.putIfAbsent(conversation, fresh);
		if (subscription != null) {
			fresh.lock.unlock();
			subscription.lock.lock();
		}
		else {
			subscription = fresh;
		}
		long last;
		try {
			// Subscribing again may move the point back: the client asked for those
			// entries again.
			subscription.lastSeq = afterSeq;
			List<LogEntry> batch;
			do {
				batch = log.apply(subscription.lastSeq);
				for (LogEntry entry : batch) {
					if (entry.seq() == subscription.lastSeq + 1) {
						sendPaced(encode.apply(entry));
						subscription.lastSeq = entry.seq();
					}
				}
			}
			while (batch.size() >= Fanout.CATCH_UP_BATCH);
			last = subscription.lastSeq;
			String end = synced.apply(last);
			if (end != null) {
				send(end);
			}
		}
		finally {
			subscription.lock.unlock();
		}
		catchUpPending(conversation, subscription, log, encode);
		return last;
	}

	void unfollow(ConversationId conversation) {
		this.subscriptions.remove(conversation);
	}

	/**
	 * Delivers a log entry of a followed conversation: exactly once, in order, filling a
	 * gap from the log when the entry is ahead of what was delivered. Never waits: if the
	 * subscription is busy (a catch-up in progress), the entry is noted and whoever holds
	 * it delivers it before letting go.
	 * @param entry the entry
	 * @param log reads entries after a sequence
	 * @param encode turns an entry into a frame
	 */
	void deliver(LogEntry entry, Function<Long, List<LogEntry>> log, Function<LogEntry, String> encode) {
		Subscription subscription = this.subscriptions.get(entry.conversationId());
		if (subscription == null) {
			return;
		}
		subscription.pending.accumulateAndGet(entry.seq(), Math::max);
		if (!subscription.lock.tryLock()) {
			return;
		}
		try {
			if (this.subscriptions.get(entry.conversationId()) != subscription) {
				return;
			}
			if (entry.seq() == subscription.lastSeq + 1 && subscription.pending.get() == entry.seq()) {
				send(encode.apply(entry));
				subscription.lastSeq = entry.seq();
			}
			else {
				fill(subscription, entry.conversationId(), log, encode);
			}
		}
		finally {
			subscription.lock.unlock();
		}
		catchUpPending(entry.conversationId(), subscription, log, encode);
	}

	private void catchUpPending(ConversationId conversation, Subscription subscription,
			Function<Long, List<LogEntry>> log, Function<LogEntry, String> encode) {
		while (subscription.pending.get() > subscription.lastSeq && subscription.lock.tryLock()) {
			try {
				if (this.subscriptions.get(conversation) != subscription) {
					return;
				}
				if (!fill(subscription, conversation, log, encode)) {
					return;
				}
			}
			finally {
				subscription.lock.unlock();
			}
		}
	}

	/**
	 * Sends, in order, every entry after the last delivered one up to the highest noted.
	 * Called with the subscription's lock held.
	 * @return whether anything was sent
	 */
	private boolean fill(Subscription subscription, ConversationId conversation, Function<Long, List<LogEntry>> log,
			Function<LogEntry, String> encode) {
		boolean progressed = false;
		while (subscription.lastSeq < subscription.pending.get()) {
			boolean step = false;
			for (LogEntry earlier : log.apply(subscription.lastSeq)) {
				if (earlier.seq() == subscription.lastSeq + 1 && earlier.seq() <= subscription.pending.get()) {
					send(encode.apply(earlier));
					subscription.lastSeq = earlier.seq();
					step = true;
				}
			}
			if (!step) {
				break;
			}
			progressed = true;
		}
		return progressed;
	}

	@Override
	public String toString() {
		return (isVisitor() ? "visitor socket " : "staff socket ") + id();
	}

	private static final class Subscription {

		private final ReentrantLock lock = new ReentrantLock();

		/** The highest sequence announced for this conversation, delivered or not. */
		private final AtomicLong pending = new AtomicLong();

		/** The last sequence sent to the client; guarded by {@link #lock}. */
		private long lastSeq;

	}

}
