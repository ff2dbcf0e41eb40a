package dev.porchlight.api.live;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.visitor.VisitorId;

import org.springframework.stereotype.Component;

/**
 * The sockets this node holds. Nothing here is state another node needs: losing it (a
 * crash) only means those clients reconnect elsewhere and resume.
 */
@Component
class Connections {

	private final Map<String, Connection> all = new ConcurrentHashMap<>();

	void add(Connection connection) {
		this.all.put(connection.id(), connection);
	}

	void remove(Connection connection) {
		this.all.remove(connection.id());
	}

	Collection<Connection> all() {
		return this.all.values();
	}

	List<Connection> staff() {
		return this.all.values().stream().filter((connection) -> !connection.isVisitor()).toList();
	}

	List<Connection> visitors() {
		return this.all.values().stream().filter(Connection::isVisitor).toList();
	}

	List<Connection> following(ConversationId conversation) {
		return this.all.values().stream().filter((connection) -> connection.follows(conversation)).toList();
	}

	List<Connection> ofStaff(AccountId account) {
		return staff().stream().filter((connection) -> connection.staff().id().equals(account)).toList();
	}

	boolean hasVisitor(VisitorId visitor) {
		return visitors().stream().anyMatch((connection) -> connection.visitor().visitorId().equals(visitor));
	}

	long count(boolean visitors) {
		return this.all.values().stream().filter((connection) -> connection.isVisitor() == visitors).count();
	}

}
