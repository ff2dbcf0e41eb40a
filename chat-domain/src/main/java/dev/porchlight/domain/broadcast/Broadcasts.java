package dev.porchlight.domain.broadcast;

import java.util.function.Consumer;

/**
 * Fire-and-forget messages to every node of the installation, used to fan live events out
 * to the sockets each node holds. Delivery is at most once: receivers that must not miss
 * anything (message events) detect gaps by sequence number and read the log.
 */
public interface Broadcasts {

	/**
	 * Sends a payload to every node, this one included.
	 * @param payload the message
	 */
	void publish(String payload);

	/**
	 * Receives every payload published by any node.
	 * @param receiver called on a delivery thread, once per payload
	 */
	void subscribe(Consumer<String> receiver);

}
