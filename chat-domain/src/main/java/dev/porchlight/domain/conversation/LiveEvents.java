package dev.porchlight.domain.conversation;

import java.util.function.Consumer;

/**
 * Carries {@link LiveEvent}s between nodes. A node receives only what it asked for: the
 * events of the conversations its sockets follow, what staff inboxes show while it holds
 * staff sockets, and events for every node.
 */
public interface LiveEvents {

	/**
	 * Publishes an event the node itself originates; the store publishes every other
	 * event as part of the change it reports.
	 * @param signal the event
	 */
	void publish(LiveEvent.Signal signal);

	/**
	 * Starts receiving one conversation's events. Returns once events published from now
	 * on are sure to arrive, so a reader of the log after this call misses nothing.
	 * @param conversation the conversation (when the store does not confirm in time, it
	 * throws its own unchecked exception, as every port does when its store is
	 * unreachable)
	 */
	void follow(ConversationId conversation);

	/**
	 * Stops receiving one conversation's events.
	 * @param conversation the conversation
	 */
	void unfollow(ConversationId conversation);

	/**
	 * Starts or stops receiving what staff inboxes show (summaries of every conversation,
	 * visitors typing, read markers).
	 * @param on whether to receive them
	 */
	void followInbox(boolean on);

	/**
	 * How many received events wait to be handed to the receiver: how far this node's
	 * delivery is behind.
	 * @return the count
	 */
	int backlog();

	/**
	 * Sets the one receiver of this node's events; it is called on one thread, in the
	 * order the events were published.
	 * @param receiver the receiver
	 */
	void listen(Consumer<LiveEvent> receiver);

}
