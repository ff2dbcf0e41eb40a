package dev.porchlight.api.live;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import org.jspecify.annotations.Nullable;

/**
 * One socket following one conversation: delivers the conversation's entries to it
 * strictly in sequence order, each exactly once. Older entries are dropped; an entry
 * ahead of the next one is preceded by the missing ones, read from the log. Never waits:
 * while a catch-up holds the subscription, live entries are only noted, and whoever holds
 * it delivers them before letting go.
 */
final class Subscription {

	static final int CATCH_UP_BATCH = 500;

	private final Connection connection;

	private final ConversationId conversation;

	private final ConversationLog log;

	private final Views views;

	private final ReentrantLock lock = new ReentrantLock();

	/** The highest sequence announced for this conversation, delivered or not. */
	private final AtomicLong pending = new AtomicLong();

	/** The last sequence sent to the client; guarded by {@link #lock}. */
	private long lastSeq;

	private volatile boolean cancelled;

	Subscription(Connection connection, ConversationId conversation, ConversationLog log, Views views) {
		this.connection = connection;
		this.conversation = conversation;
		this.log = log;
		this.views = views;
	}

	ConversationId conversation() {
		return this.conversation;
	}

	Connection connection() {
		return this.connection;
	}

	boolean forStaff() {
		return !this.connection.isVisitor();
	}

	/**
	 * Holds the subscription for a catch-up; live entries meanwhile are only noted.
	 */
	void hold() {
		this.lock.lock();
	}

	/**
	 * Lets go of a subscription that was held but will not catch up.
	 */
	void release() {
		this.lock.unlock();
	}

	/**
	 * Sends everything after {@code afterSeq} (paced by the client's reading), then the
	 * frame that ends the catch-up, then lets go and delivers what was noted meanwhile.
	 * Must be called by the thread that {@link #hold holds} the subscription.
	 * @param afterSeq the last sequence the client has
	 * @param synced the frame that ends the catch-up, given the last sequence sent, or
	 * null for none
	 * @return the last sequence sent
	 */
	long catchUp(long afterSeq, LongFunction<@Nullable String> synced) {
		long last;
		try {
			// Subscribing again may move the point back: the client asked for those
			// entries again.
			this.lastSeq = afterSeq;
			List<LogEntry> batch;
			do {
				batch = this.log.after(this.conversation, this.lastSeq, CATCH_UP_BATCH);
				for (LogEntry entry : batch) {
					if (entry.seq() == this.lastSeq + 1) {
						this.connection.sendPaced(this.views.eventText(entry, forStaff()));
						this.lastSeq = entry.seq();
					}
				}
			}
			while (batch.size() >= CATCH_UP_BATCH && this.connection.isOpen());
			last = this.lastSeq;
			String end = synced.apply(last);
			if (end != null) {
				this.connection.send(end);
			}
		}
		finally {
			this.lock.unlock();
		}
		catchUpPending();
		return last;
	}

	/**
	 * Delivers a live entry: at once when it is the next one, after the missing ones when
	 * it is ahead, not at all when it was delivered already.
	 * @param entry the entry
	 * @param frame its frame for this socket's side, encoded once for every socket of
	 * that side
	 */
	void deliver(LogEntry entry, String frame) {
		this.pending.accumulateAndGet(entry.seq(), Math::max);
		if (!this.lock.tryLock()) {
			return;
		}
		try {
			if (this.cancelled) {
				return;
			}
			if (entry.seq() == this.lastSeq + 1 && this.pending.get() == entry.seq()) {
				this.connection.send(frame);
				this.lastSeq = entry.seq();
			}
			else {
				fill();
			}
		}
		finally {
			this.lock.unlock();
		}
		catchUpPending();
	}

	void cancel() {
		this.cancelled = true;
	}

	private void catchUpPending() {
		while (this.pending.get() > this.lastSeq && !this.cancelled && this.lock.tryLock()) {
			try {
				if (!fill()) {
					return;
				}
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * Sends, in order, every entry after the last delivered one up to the highest noted.
	 * Called with the lock held.
	 * @return whether anything was sent
	 */
	private boolean fill() {
		boolean progressed = false;
		while (this.lastSeq < this.pending.get() && !this.cancelled) {
			boolean step = false;
			for (LogEntry earlier : this.log.after(this.conversation, this.lastSeq, CATCH_UP_BATCH)) {
				if (earlier.seq() == this.lastSeq + 1 && earlier.seq() <= this.pending.get()) {
					this.connection.send(this.views.eventText(earlier, forStaff()));
					this.lastSeq = earlier.seq();
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

}
