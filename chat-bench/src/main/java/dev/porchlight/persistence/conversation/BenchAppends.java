package dev.porchlight.persistence.conversation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.ratelimit.BenchRateLimits;

import org.springframework.data.redis.connection.DefaultMessage;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The benchmark's handle on the product's Redis adapters of the live path
 * ({@link RedisLiveConversations} and {@link RedisLiveEvents} are package-private, as
 * adapters are; this class lives in the same package, in the chat-bench module, so the
 * benchmark runs the product's code rather than a copy of its Lua scripts). Used by the
 * archival scenario to feed the archiver faster than the WebSocket path of one machine
 * can, and by the JMH benchmarks.
 */
public final class BenchAppends {

	private final RedisLiveConversations live;

	private final StringRedisTemplate redis;

	public BenchAppends(StringRedisTemplate redis) {
		this.redis = redis;
		this.live = new RedisLiveConversations(redis, BenchRateLimits.limiter(redis));
	}

	/**
	 * @return the product's live conversations adapter on this Redis
	 */
	public LiveConversations live() {
		return this.live;
	}

	/**
	 * @return the product's live events adapter on this Redis
	 */
	public static LiveEvents events(StringRedisTemplate redis, RedisConnectionFactory connections) {
		return new RedisLiveEvents(redis, connections);
	}

	/**
	 * Hands a node's events adapter one message of a conversation's channel, exactly as
	 * Redis delivers it (the form the append script publishes).
	 */
	public static void entryArrives(LiveEvents events, UUID conversation, String json) {
		((RedisLiveEvents) events).onConversation(new ConversationId(conversation),
				new DefaultMessage(RedisKeys.channel(new ConversationId(conversation)).getBytes(StandardCharsets.UTF_8),
						json.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Hands a node's events adapter one message of the inbox channel.
	 */
	public static void inboxEventArrives(LiveEvents events, String json) {
		((RedisLiveEvents) events).onInbox(new DefaultMessage(RedisKeys.INBOX_CHANNEL.getBytes(StandardCharsets.UTF_8),
				json.getBytes(StandardCharsets.UTF_8)), null);
	}

	/**
	 * Starts a conversation in Redis as a node does for a {@code start} frame.
	 * @return its id
	 */
	public UUID start(UUID site, UUID visitor) {
		Conversation conversation = Conversation.start(new SiteId(site), new VisitorId(visitor), null,
				PageContext.unknown(), Instant.now());
		this.live.start(conversation);
		return conversation.id().value();
	}

	/**
	 * Appends a visitor message exactly as a node does for a {@code send} frame.
	 * @return the message's sequence
	 */
	public long append(UUID conversation, UUID visitor, String clientId, String body) {
		return this.live
			.append(new ConversationId(conversation), new ClientMessageId(clientId),
					Sender.visitor(new VisitorId(visitor)), new MessageBody(body), Instant.now())
			.entry()
			.seq();
	}

	/**
	 * @return the meta hash of a conversation as the scripts publish it, JSON
	 */
	public String stateJson(UUID conversation) {
		StringBuilder json = new StringBuilder("{\"t\":\"s\",\"id\":\"" + conversation + "\",\"m\":{");
		var meta = this.redis.opsForHash().entries(RedisKeys.meta(new ConversationId(conversation)));
		boolean first = true;
		for (var field : meta.entrySet()) {
			json.append(first ? "" : ",")
				.append('"')
				.append(field.getKey())
				.append("\":\"")
				.append(field.getValue())
				.append('"');
			first = false;
		}
		return json.append("}}").toString();
	}

}
