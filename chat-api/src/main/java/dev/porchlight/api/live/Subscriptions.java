package dev.porchlight.api.live;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveEvents;

import org.springframework.stereotype.Component;

/**
 * The subscriptions of this node's sockets, by conversation, so that an event costs
 * O(followers), and the node hears a conversation's events exactly while some socket here
 * follows it. A conversation nobody follows any more stays heard for a grace period, so a
 * visitor moving from page to page (a new socket each time) does not make the node
 * unsubscribe and subscribe again.
 */
@Component
class Subscriptions {

	private final Map<ConversationId, Followers> byConversation = new ConcurrentHashMap<>();

	private final LiveEvents events;

	Subscriptions(LiveEvents events) {
		this.events = events;
	}

	/**
	 * Adds a subscription and makes sure this node hears its conversation; returns once
	 * every event published from now on will arrive.
	 * @param subscription the subscription
	 */
	void add(Subscription subscription) {
		ConversationId id = subscription.conversation();
		while (true) {
			Followers followers = this.byConversation.computeIfAbsent(id, (key) -> new Followers());
			synchronized (followers) {
				if (followers.removed) {
					continue;
				}
				followers.members.add(subscription);
				followers.idleSinceMillis = 0;
				if (!followers.heard) {
					try {
						// Only this conversation's new followers wait for the store.
						this.events.follow(id);
					}
					catch (RuntimeException ex) {
						followers.members.remove(subscription);
						markIdle(followers);
						throw ex;
					}
					followers.heard = true;
				}
				return;
			}
		}
	}

	void remove(Subscription subscription) {
		Followers followers = this.byConversation.get(subscription.conversation());
		if (followers != null) {
			synchronized (followers) {
				followers.members.remove(subscription);
				markIdle(followers);
			}
		}
	}

	/**
	 * @return the subscriptions to a conversation on this node
	 */
	Collection<Subscription> of(ConversationId conversation) {
		Followers followers = this.byConversation.get(conversation);
		return (followers != null) ? followers.members : List.of();
	}

	/**
	 * Stops hearing conversations nobody here has followed for a while.
	 * @param graceMillis how long a conversation stays heard without followers
	 */
	void sweep(long graceMillis) {
		long now = System.currentTimeMillis();
		for (Map.Entry<ConversationId, Followers> entry : this.byConversation.entrySet()) {
			Followers followers = entry.getValue();
			synchronized (followers) {
				if (followers.idleSinceMillis != 0 && now - followers.idleSinceMillis >= graceMillis
						&& followers.members.isEmpty()) {
					followers.removed = true;
					this.byConversation.remove(entry.getKey(), followers);
					if (followers.heard) {
						this.events.unfollow(entry.getKey());
					}
				}
			}
		}
	}

	/**
	 * @return conversations this node hears
	 */
	int heard() {
		return this.byConversation.size();
	}

	private static void markIdle(Followers followers) {
		if (followers.members.isEmpty()) {
			followers.idleSinceMillis = System.currentTimeMillis();
		}
	}

	private static final class Followers {

		final Set<Subscription> members = ConcurrentHashMap.newKeySet(2);

		boolean heard;

		boolean removed;

		long idleSinceMillis;

	}

}
