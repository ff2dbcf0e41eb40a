package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;

import dev.porchlight.api.account.StaffSessions;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.events.SessionDestroyedEvent;
import org.springframework.stereotype.Component;

/**
 * Keeps the sockets of this node healthy: refreshes presence, closes idle, stalled and
 * expired sockets, closes a staff member's sockets when their sessions end anywhere,
 * stops hearing conversations nobody here follows any more, and on shutdown tells every
 * client to reconnect (to another node) before the web server stops.
 */
@Component
class LiveLifecycle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LiveLifecycle.class);

	private final Connections connections;

	private final Subscriptions subscriptions;

	private final InboxCoalescer inbox;

	private final PresenceCommands presence;

	private final LiveProperties properties;

	private final StaffSessions sessions;

	private volatile boolean running;

	LiveLifecycle(Connections connections, Subscriptions subscriptions, InboxCoalescer inbox, PresenceCommands presence,
			LiveProperties properties, LiveEvents events, StaffSessions sessions, MeterRegistry meters) {
		this.connections = connections;
		this.subscriptions = subscriptions;
		this.inbox = inbox;
		this.presence = presence;
		this.properties = properties;
		this.sessions = sessions;
		sessions.onSessionsEnded((account) -> events.publish(new LiveEvent.SessionsEnded(account)));
		sessions.onSessionEnded((session) -> events.publish(new LiveEvent.SessionEnded(LiveRouter.digest(session))));
		Gauge.builder("porchlight.sockets.open", connections, (all) -> all.count(true))
			.tag("kind", "visitor")
			.description("Open WebSocket connections")
			.register(meters);
		Gauge.builder("porchlight.sockets.open", connections, (all) -> all.count(false))
			.tag("kind", "staff")
			.description("Open WebSocket connections")
			.register(meters);
		Gauge.builder("porchlight.live.conversations.heard", subscriptions, Subscriptions::heard)
			.description("Conversations whose events this node receives")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${porchlight.live.sweep-interval:10s}")
	void sweep() {
		if (!this.running) {
			return;
		}
		long idleBefore = System.currentTimeMillis() - this.properties.idleTimeout().toMillis();
		for (Connection connection : this.connections.all()) {
			if (connection.session().stalled()) {
				connection.closeAsync(CloseCodes.TOO_SLOW);
				continue;
			}
			if (connection.lastHeardMillis() < idleBefore) {
				connection.closeAsync(CloseCodes.IDLE);
				continue;
			}
			try {
				if (connection.isVisitor()) {
					if (!connection.visitor().expiresAt().isAfter(Instant.now())) {
						connection.closeWhenFlushed(CloseCodes.TOKEN_EXPIRED);
					}
				}
				else {
					// Also catches a session that expired where no keyspace event reached
					// this node (e.g. on a Redis Cluster, whose events stay on one
					// master).
					String session = connection.httpSession();
					if (session != null && !this.sessions.exists(session)) {
						connection.closeAsync(CloseCodes.SESSION_ENDED);
						continue;
					}
					this.presence.stillHere(connection);
				}
			}
			catch (RuntimeException ex) {
				// Redis briefly unreachable or shutting down: the next sweep tries again.
				log.debug("Presence refresh failed: {}", ex.getMessage());
			}
		}
		try {
			this.subscriptions.sweep(this.properties.followGrace().toMillis());
		}
		catch (RuntimeException ex) {
			log.debug("Unsubscribing failed: {}", ex.getMessage());
		}
		this.inbox.sweep(Duration.ofMinutes(1));
	}

	/**
	 * A staff session ended on some node (signed out, expired, deleted): its sockets here
	 * close. Spring Session reports this on every node through Redis keyspace events.
	 * @param event the ended session
	 */
	@EventListener
	void sessionEnded(SessionDestroyedEvent event) {
		for (Connection connection : this.connections.staff()) {
			if (event.getSessionId().equals(connection.httpSession())) {
				connection.closeAsync(CloseCodes.SESSION_ENDED);
			}
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Runs before the web server's graceful shutdown (a higher phase stops earlier).
	 */
	@Override
	public void stop() {
		this.running = false;
		String reconnect = Wire.write(new ServerFrame.Reconnect("shutdown"));
		int told = 0;
		for (Connection connection : this.connections.all()) {
			connection.send(reconnect);
			connection.closeWhenFlushed(CloseCodes.RESTART);
			told++;
		}
		// The first line of an orderly shutdown (ShutdownOrderIntegrationTests reads it).
		log.info("Shutting down: told {} sockets to reconnect elsewhere", told);
		// Give the frames a moment to leave before the web server goes down, and each
		// close time to clear its presence before Redis goes (a close handled after the
		// stores stopped would fail).
		long deadline = System.nanoTime() + 3_000_000_000L;
		while (!this.connections.settled() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
