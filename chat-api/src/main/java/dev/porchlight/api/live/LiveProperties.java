package dev.porchlight.api.live;

import java.time.Duration;

import dev.porchlight.api.web.Settings;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits and timings of the WebSocket endpoints.
 *
 * @param maxFrameBytes the largest text frame accepted; larger ones close the socket with
 * 1009
 * @param sendBufferBytes how much may wait to be sent to one slow client before it is
 * disconnected (4500)
 * @param sendTimeLimit how long a write to a client may go without getting a frame out
 * before the client counts as stalled
 * @param heartbeatInterval how often clients should send {@code ping}; told in
 * {@code welcome}
 * @param idleTimeout a socket with no frame for this long is closed (4408)
 * @param visitorMessages messages one visitor may send per {@code messageWindow}
 * @param staffMessages messages one staff member may send per {@code messageWindow}
 * @param messageWindow the window of the message limits
 * @param conversationsPerVisitor new conversations per visitor per hour
 * @param conversationsPerAddress new conversations per client address per hour
 * @param siteMessages messages all visitors of one site together may send per
 * {@code messageWindow}, whatever their addresses (staff messages do not count)
 * @param conversationsPerSite new conversations all visitors of one site together may
 * start per minute
 * @param addressMessages messages all visitors behind one network address together may
 * send per {@code messageWindow}, on any site
 * @param errorsBeforeClose protocol errors one socket may cause per minute before it is
 * closed for abuse (1008)
 * @param inboxInterval the shortest time between two summaries of one conversation sent
 * to staff inboxes (later changes within it are coalesced, the latest wins)
 * @param maxBacklog live events this node may be behind in delivering before it refuses
 * new messages ({@code unavailable})
 * @param maxInFlight writes that may wait for Redis at once before new messages are
 * refused
 * @param overloadRetryAfter the {@code retryAfterMs} told to a client refused for
 * overload
 * @param followGrace how long a node keeps hearing a conversation after its last follower
 * here left (a visitor moving between pages reconnects within it)
 * @param compression whether sockets may use {@code permessage-deflate} when the client
 * offers it (browsers always do); it costs a deflater and an inflater per socket
 * @param replicaAcks how many Redis replicas must hold a message before it is
 * acknowledged (Redis {@code WAIT}); 0 acknowledges once the primary has it
 * @param replicaAckTimeout how long a send waits for those replicas before it is answered
 * {@code unavailable} (to be resent); below {@code spring.data.redis.timeout}
 */
@ConfigurationProperties("porchlight.live")
public record LiveProperties(@DefaultValue("16384") int maxFrameBytes, @DefaultValue("262144") int sendBufferBytes,
		@DefaultValue("10s") Duration sendTimeLimit, @DefaultValue("25s") Duration heartbeatInterval,
		@DefaultValue("75s") Duration idleTimeout, @DefaultValue("20") int visitorMessages,
		@DefaultValue("60") int staffMessages, @DefaultValue("10s") Duration messageWindow,
		@DefaultValue("10") int conversationsPerVisitor, @DefaultValue("30") int conversationsPerAddress,
		@DefaultValue("20") int errorsBeforeClose, @DefaultValue("250ms") Duration inboxInterval,
		@DefaultValue("5000") int maxBacklog, @DefaultValue("512") int maxInFlight,
		@DefaultValue("500ms") Duration overloadRetryAfter, @DefaultValue("60s") Duration followGrace,
		@DefaultValue("false") boolean compression, @DefaultValue("0") int replicaAcks,
		@DefaultValue("500ms") Duration replicaAckTimeout, @DefaultValue("600") int siteMessages,
		@DefaultValue("120") int conversationsPerSite, @DefaultValue("100") int addressMessages) {

	public LiveProperties {
		String live = "porchlight.live.";
		Settings.atLeast(live + "max-frame-bytes", maxFrameBytes, 1);
		Settings.atLeast(live + "send-buffer-bytes", sendBufferBytes, 1);
		Settings.positive(live + "send-time-limit", sendTimeLimit);
		Settings.positive(live + "heartbeat-interval", heartbeatInterval);
		Settings.positive(live + "idle-timeout", idleTimeout);
		Settings.atLeast(live + "visitor-messages", visitorMessages, 1);
		Settings.atLeast(live + "staff-messages", staffMessages, 1);
		Settings.positive(live + "message-window", messageWindow);
		Settings.atLeast(live + "conversations-per-visitor", conversationsPerVisitor, 1);
		Settings.atLeast(live + "conversations-per-address", conversationsPerAddress, 1);
		Settings.atLeast(live + "address-messages", addressMessages, 1);
		Settings.atLeast(live + "errors-before-close", errorsBeforeClose, 1);
		Settings.notNegative(live + "inbox-interval", inboxInterval);
		Settings.atLeast(live + "max-backlog", maxBacklog, 1);
		Settings.atLeast(live + "max-in-flight", maxInFlight, 1);
		Settings.positive(live + "overload-retry-after", overloadRetryAfter);
		Settings.notNegative(live + "follow-grace", followGrace);
		Settings.atLeast(live + "replica-acks", replicaAcks, 0);
		Settings.positive(live + "replica-ack-timeout", replicaAckTimeout);
		Settings.atLeast(live + "site-messages", siteMessages, 1);
		Settings.atLeast(live + "conversations-per-site", conversationsPerSite, 1);
		if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
			LoggerFactory.getLogger(LiveProperties.class)
				.warn("porchlight.live.idle-timeout ({}) is not longer than porchlight.live.heartbeat-interval ({}), "
						+ "the interval clients are told to ping at: sockets of clients that follow it will be "
						+ "closed as idle (4408)", idleTimeout, heartbeatInterval);
		}
	}

}
