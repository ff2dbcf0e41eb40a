package dev.porchlight.api.live;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One open socket of a visitor or a staff member. Sends go through a
 * {@link ConcurrentWebSocketSessionDecorator} with a bounded buffer and send-time limit,
 * so a client that stops reading is disconnected instead of growing server memory, and
 * never blocks delivery to anybody else.
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

	private final Map<ConversationId, Subscription> subscriptions = new ConcurrentHashMap<>();

	private final Deque<Long> recentErrors = new ArrayDeque<>();

	private volatile Instant lastHeard = Instant.now();

	Connection(WebSocketSession session, LiveProperties properties, @Nullable VisitorPrincipal visitor,
			@Nullable StaffPrincipal staff) {
		this.session = new ConcurrentWebSocketSessionDecorator(session, (int) properties.sendTimeLimit().toMillis(),
				properties.sendBufferBytes());
		this.visitor = visitor;
		this.staff = staff;
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

	void send(String frame) {
		if (!this.session.isOpen()) {
			return;
		}
		try {
			this.session.sendMessage(new TextMessage(frame));
		}
		catch (IOException | RuntimeException ex) {
			// Overflowing the buffer or the time limit closes the session (4500) in the
			// decorator.
			log.debug("Send to socket {} failed: {}", id(), ex.getMessage());
			close(CloseCodes.TOO_SLOW);
		}
	}

	void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Closing socket {} failed: {}", id(), ex.getMessage());
		}
	}

	boolean follows(ConversationId conversation) {
		return this.subscriptions.containsKey(conversation);
	}

	/**
	 * Starts following a conversation after {@code afterSeq} and sends everything since.
	 * @param conversation the conversation
	 * @param afterSeq the last sequence the client has
	 * @param log reads entries after a sequence
	 * @param encode turns an entry into a frame
	 * @return the last sequence delivered
	 */
	long follow(ConversationId conversation, long afterSeq, Function<Long, List<LogEntry>> log,
			Function<LogEntry, String> encode) {
		Subscription subscription = this.subscriptions.computeIfAbsent(conversation, (id) -> new Subscription());
		subscription.lock.lock();
		try {
			// A re-subscription may move the point back (a reload) but never past what
			// was sent.
			subscription.lastSeq = afterSeq;
			List<LogEntry> batch;
			do {
				batch = log.apply(subscription.lastSeq);
				for (LogEntry entry : batch) {
					if (entry.seq() == subscription.lastSeq + 1) {
						send(encode.apply(entry));
						subscription.lastSeq = entry.seq();
					}
				}
			}
			while (batch.size() >= Fanout.CATCH_UP_BATCH);
			return subscription.lastSeq;
		}
		finally {
			subscription.lock.unlock();
		}
	}

	void unfollow(ConversationId conversation) {
		this.subscriptions.remove(conversation);
	}

	/**
	 * Delivers a log entry of a followed conversation: exactly once, in order, filling a
	 * gap from the log when the entry is ahead of what was delivered.
	 * @param entry the entry
	 * @param log reads entries after a sequence
	 * @param encode turns an entry into a frame
	 */
	void deliver(LogEntry entry, Function<Long, List<LogEntry>> log, Function<LogEntry, String> encode) {
		Subscription subscription = this.subscriptions.get(entry.conversationId());
		if (subscription == null) {
			return;
		}
		subscription.lock.lock();
		try {
			if (entry.seq() <= subscription.lastSeq) {
				return;
			}
			while (entry.seq() > subscription.lastSeq + 1) {
				List<LogEntry> missing = log.apply(subscription.lastSeq);
				boolean progressed = false;
				for (LogEntry earlier : missing) {
					if (earlier.seq() == subscription.lastSeq + 1 && earlier.seq() < entry.seq()) {
						send(encode.apply(earlier));
						subscription.lastSeq = earlier.seq();
						progressed = true;
					}
				}
				if (!progressed) {
					break;
				}
			}
			send(encode.apply(entry));
			subscription.lastSeq = entry.seq();
		}
		finally {
			subscription.lock.unlock();
		}
	}

	@Override
	public String toString() {
		return (isVisitor() ? "visitor socket " : "staff socket ") + id();
	}

	private static final class Subscription {

		private final ReentrantLock lock = new ReentrantLock();

		private long lastSeq;

	}

}
