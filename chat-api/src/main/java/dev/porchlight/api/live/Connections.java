package dev.porchlight.api.live;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.visitor.VisitorId;

import org.springframework.stereotype.Component;

/**
 * The sockets this node holds, by role. Nothing here is state another node needs: losing
 * it (a crash) only means those clients reconnect elsewhere and resume. The node hears
 * what staff inboxes show exactly while it holds a staff socket.
 */
@Component
class Connections {

	private final Map<String, Connection> all = new ConcurrentHashMap<>();

	private final Set<Connection> staff = ConcurrentHashMap.newKeySet();

	private final Set<Connection> visitors = ConcurrentHashMap.newKeySet();

	private final Map<VisitorId, AtomicInteger> socketsPerVisitor = new ConcurrentHashMap<>();

	private final AtomicInteger leaving = new AtomicInteger();

	private final LiveEvents events;

	Connections(LiveEvents events) {
		this.events = events;
	}

	/**
	 * Registers a socket. For the first staff socket the node starts hearing the inbox
	 * first, so nothing after the socket's {@code welcome} is missed.
	 */
	void add(Connection connection) {
		if (connection.isVisitor()) {
			this.socketsPerVisitor.computeIfAbsent(connection.visitor().visitorId(), (key) -> new AtomicInteger())
				.incrementAndGet();
			this.visitors.add(connection);
		}
		else {
			synchronized (this.staff) {
				if (this.staff.isEmpty()) {
					this.events.followInbox(true);
				}
				this.staff.add(connection);
			}
		}
		this.all.put(connection.id(), connection);
	}

	void remove(Connection connection) {
		if (this.all.remove(connection.id()) == null) {
			return;
		}
		if (connection.isVisitor()) {
			this.visitors.remove(connection);
			this.socketsPerVisitor.computeIfPresent(connection.visitor().visitorId(),
					(key, count) -> (count.decrementAndGet() <= 0) ? null : count);
		}
		else {
			synchronized (this.staff) {
				this.staff.remove(connection);
				if (this.staff.isEmpty()) {
					this.events.followInbox(false);
				}
			}
		}
	}

	/**
	 * A socket's close is being handled (its presence and subscriptions still to be
	 * cleaned up, which needs Redis): called before {@link #remove}.
	 */
	void leaving() {
		this.leaving.incrementAndGet();
	}

	/**
	 * The close of a socket has been handled.
	 */
	void left() {
		this.leaving.decrementAndGet();
	}

	/**
	 * No socket is open and no close is still being handled: on shutdown the stores may
	 * stop.
	 */
	boolean settled() {
		// In this order: a close marks itself leaving before it leaves the map.
		return this.all.isEmpty() && this.leaving.get() == 0;
	}

	Collection<Connection> all() {
		return this.all.values();
	}

	Collection<Connection> staff() {
		return this.staff;
	}

	Collection<Connection> visitors() {
		return this.visitors;
	}

	List<Connection> ofStaff(AccountId account) {
		return this.staff.stream().filter((connection) -> connection.staff().id().equals(account)).toList();
	}

	long count(boolean visitors) {
		return visitors ? this.visitors.size() : this.staff.size();
	}

}
