package dev.porchlight.persistence.conversation;

import java.time.Instant;
import java.util.UUID;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The benchmark's handle on the product's Redis append step
 * ({@link RedisLiveConversations} is package-private, as adapters are; this class lives
 * in the same package, in the chat-bench module, so the benchmark runs the product's code
 * rather than a copy of its Lua script). Used by the archival scenario to feed the
 * archiver faster than the WebSocket path of one machine can, and by the JMH append
 * benchmark.
 */
public final class BenchAppends {

	private final RedisLiveConversations live;

	public BenchAppends(StringRedisTemplate redis) {
		this.live = new RedisLiveConversations(redis);
	}

	/**
	 * @return the product's live conversations adapter on this Redis
	 */
	public LiveConversations live() {
		return this.live;
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

}
