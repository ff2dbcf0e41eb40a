package dev.porchlight.api.live;

import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.domain.conversation.LiveEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Refuses new messages early and honestly when this node is past its capacity, instead of
 * queueing seconds of backlog: when its delivery of events is behind by more than
 * {@code max-backlog} events, or more than {@code max-in-flight} writes wait for Redis.
 * The client hears {@code error unavailable} with {@code retryAfterMs} and resends with
 * the same client id; nothing acknowledged is ever dropped, and a refused message was
 * never stored.
 */
@Component
class Admission {

	private final LiveEvents events;

	private final int maxBacklog;

	private final int maxInFlight;

	private final long retryAfterMillis;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Counter refused;

	Admission(LiveEvents events, LiveProperties properties, MeterRegistry meters) {
		this.events = events;
		this.maxBacklog = properties.maxBacklog();
		this.maxInFlight = properties.maxInFlight();
		this.retryAfterMillis = properties.overloadRetryAfter().toMillis();
		this.refused = Counter.builder("porchlight.messages.refused")
			.tag("reason", "overload")
			.description("Messages refused because the node was past its capacity")
			.register(meters);
		Gauge.builder("porchlight.live.backlog", events, LiveEvents::backlog)
			.description("Live events received by this node and not yet handed to its sockets")
			.register(meters);
		Gauge.builder("porchlight.live.in.flight", this.inFlight, AtomicInteger::get)
			.description("Writes of this node waiting for Redis")
			.register(meters);
	}

	/**
	 * Takes a place for one write, or refuses it.
	 * @throws ProtocolException {@code unavailable} with a retry time when the node is
	 * past its capacity
	 */
	void enter() {
		if (this.events.backlog() > this.maxBacklog) {
			refuse();
		}
		if (this.inFlight.incrementAndGet() > this.maxInFlight) {
			this.inFlight.decrementAndGet();
			refuse();
		}
	}

	/**
	 * Gives the place back once the write is done (or failed).
	 */
	void leave() {
		this.inFlight.decrementAndGet();
	}

	private void refuse() {
		this.refused.increment();
		throw new ProtocolException("unavailable", "Chat is busy; retry shortly.", this.retryAfterMillis);
	}

}
