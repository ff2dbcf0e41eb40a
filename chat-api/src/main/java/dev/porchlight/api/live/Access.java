package dev.porchlight.api.live;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationNotFoundException;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;

import org.springframework.stereotype.Component;

/**
 * Which conversations a socket may touch: a visitor only their own (or, vouched for by
 * the site, their customer's on that site), staff those of the sites they serve (every
 * site unless the owner limited them). "Does not exist" and "not yours" get the same
 * answer, so ids cannot be probed.
 */
@Component
class Access {

	private final LiveConversations live;

	Access(LiveConversations live) {
		this.live = live;
	}

	/**
	 * The conversation, if this socket may touch it.
	 * @throws ConversationNotFoundException otherwise
	 */
	LiveConversation accessible(Connection connection, ConversationId id) {
		LiveConversation conversation = this.live.find(id).orElseThrow(ConversationNotFoundException::new);
		if (connection.isVisitor() ? !visibleTo(conversation.conversation(), connection.visitor())
				: !connection.serves(conversation.conversation().siteId())) {
			throw new ConversationNotFoundException();
		}
		return conversation;
	}

	/**
	 * Makes sure this socket may write in a conversation. Checked once per socket and
	 * conversation where that cannot change: who started a conversation never changes,
	 * nor does its site. A vouched browser writing in its customer's conversation from
	 * another browser is checked at every message: staff may link the conversation to
	 * another customer meanwhile. Staff who serve every site may write in any (no lookup
	 * on that path); one that does not exist is refused by the append itself.
	 */
	void mayWrite(Connection connection, ConversationId id) {
		if ((connection.isVisitor() || connection.limitedToSites()) && !connection.allowedIn(id)) {
			LiveConversation conversation = accessible(connection, id);
			if (!connection.isVisitor() || conversation.conversation().belongsTo(connection.visitor().visitorId())) {
				connection.allowIn(id);
			}
		}
	}

	/**
	 * A visitor's conversations: their own and, vouched for by the site, their customer's
	 * on that site, newest activity first.
	 */
	List<LiveConversation> visible(VisitorPrincipal visitor) {
		List<LiveConversation> own = this.live.ofVisitor(visitor.visitorId());
		if (visitor.customerId() == null) {
			return own;
		}
		Map<ConversationId, LiveConversation> all = new LinkedHashMap<>();
		own.forEach((conversation) -> all.put(conversation.id(), conversation));
		// Checked again: a conversation staff linked to another customer since stays
		// listed under the old one until it is archived.
		this.live.ofCustomer(visitor.siteId(), visitor.customerId())
			.stream()
			.filter((conversation) -> visibleTo(conversation.conversation(), visitor))
			.forEach((conversation) -> all.putIfAbsent(conversation.id(), conversation));
		return all.values()
			.stream()
			.sorted(Comparator
				.comparing((LiveConversation conversation) -> conversation.conversation().lastActivityAt())
				.reversed())
			.toList();
	}

	/**
	 * The staff inbox as this socket may see it: the most recently active conversations
	 * of the sites it serves (for a staff member limited to some sites, the global
	 * ranking read on until that many are found: once per socket and request, never per
	 * event).
	 */
	List<LiveConversation> inbox(Connection connection, int limit) {
		if (!connection.limitedToSites()) {
			return this.live.inbox(limit);
		}
		return this.live.inbox(connection.sites(), limit);
	}

	static boolean visibleTo(Conversation conversation, VisitorPrincipal visitor) {
		return conversation.visibleTo(visitor.visitorId(), visitor.customerId(), visitor.siteId());
	}

}
