package dev.porchlight.api.live;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.site.SiteId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Sends conversation summaries to this node's staff sockets, at most one per conversation
 * per {@code inbox-interval}: the first change goes out at once, later ones within the
 * interval wait and only the latest is sent when it ends (latest state wins; nothing is
 * lost, only intermediate states are skipped). A summary is decoded and encoded once per
 * send, for all staff sockets together. Message events never pass through here, so they
 * are never delayed by it.
 */
@Component
class InboxCoalescer implements DisposableBean {

	private final Connections connections;

	private final Views views;

	private final long intervalNanos;

	private final Map<ConversationId, Slot> slots = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timer = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("live-inbox").daemon().factory());

	private final Counter sent;

	private final Counter skipped;

	InboxCoalescer(Connections connections, Views views, LiveProperties properties, MeterRegistry meters) {
		this.connections = connections;
		this.views = views;
		this.intervalNanos = properties.inboxInterval().toNanos();
		this.sent = Counter.builder("porchlight.inbox.summaries")
			.tag("outcome", "sent")
			.description("Conversation summaries for staff inboxes, sent or skipped because a newer one followed")
			.register(meters);
		this.skipped = Counter.builder("porchlight.inbox.summaries")
			.tag("outcome", "coalesced")
			.description("Conversation summaries for staff inboxes, sent or skipped because a newer one followed")
			.register(meters);
	}

	void changed(LiveEvent.StateChanged change) {
		if (this.connections.staff().isEmpty()) {
			return;
		}
		Slot slot = this.slots.computeIfAbsent(change.id(), (id) -> new Slot());
		long delay = 0;
		synchronized (slot) {
			long now = System.nanoTime();
			if (slot.pending == null && now - slot.lastSentNanos >= this.intervalNanos) {
				send(slot, change, now);
				return;
			}
			if (slot.pending != null) {
				this.skipped.increment();
			}
			slot.pending = change;
			if (slot.scheduled) {
				return;
			}
			slot.scheduled = true;
			delay = Math.max(0, slot.lastSentNanos + this.intervalNanos - now);
		}
		this.timer.schedule(() -> flush(slot), delay, TimeUnit.NANOSECONDS);
	}

	private void flush(Slot slot) {
		synchronized (slot) {
			slot.scheduled = false;
			LiveEvent.StateChanged pending = slot.pending;
			if (pending != null) {
				send(slot, pending, System.nanoTime());
			}
		}
	}

	/** Called with the slot's lock held. */
	private void send(Slot slot, LiveEvent.StateChanged change, long now) {
		slot.pending = null;
		slot.lastSentNanos = now;
		LiveConversation state = change.state().get();
		String frame = Wire.write(new ServerFrame.Inbox(this.views.staff(state)));
		// Encoded once; each staff socket gets it only if it serves the site.
		SiteId site = state.conversation().siteId();
		for (Connection connection : this.connections.staff()) {
			if (connection.serves(site)) {
				connection.send(frame);
			}
		}
		this.sent.increment();
	}

	/**
	 * Forgets conversations that have not changed for a while.
	 * @param idle how long
	 */
	void sweep(Duration idle) {
		long before = System.nanoTime() - idle.toNanos();
		this.slots.entrySet().removeIf((entry) -> {
			Slot slot = entry.getValue();
			synchronized (slot) {
				return slot.pending == null && !slot.scheduled && slot.lastSentNanos < before;
			}
		});
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

	private static final class Slot {

		long lastSentNanos = System.nanoTime() - Long.MAX_VALUE / 2;

		LiveEvent.@Nullable StateChanged pending;

		boolean scheduled;

	}

}
