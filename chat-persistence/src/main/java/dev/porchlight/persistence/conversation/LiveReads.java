package dev.porchlight.persistence.conversation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LogEntry;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The reads of {@link RedisLiveConversations}: one conversation's state, ranked lists of
 * conversations (their states fetched together in one exchange) and a log's entries.
 */
final class LiveReads {

	private final StringRedisTemplate redis;

	private final Pipeline pipeline;

	LiveReads(StringRedisTemplate redis, Pipeline pipeline) {
		this.redis = redis;
		this.pipeline = pipeline;
	}

	Optional<LiveConversation> find(ConversationId id) {
		Map<Object, Object> meta = this.redis.opsForHash().entries(RedisKeys.meta(id));
		// A hash without its site is not a conversation (e.g. a write raced an erasure).
		return meta.containsKey("site") ? Optional.of(LiveSchema.state(id, meta)) : Optional.empty();
	}

	/**
	 * The conversations of a sorted set of ids, highest score first.
	 */
	List<LiveConversation> ranked(String key, int limit) {
		Set<String> ids = this.redis.opsForZSet().reverseRange(key, 0, limit - 1);
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<ConversationId> ordered = ids.stream().map(ConversationId::parse).toList();
		List<Map<byte[], byte[]>> metas = this.pipeline.each(ordered,
				(async, id) -> async.hgetall(Pipeline.bytes(RedisKeys.meta(id))));
		List<LiveConversation> conversations = new ArrayList<>();
		for (int i = 0; i < ordered.size(); i++) {
			Map<String, String> meta = new HashMap<>();
			metas.get(i)
				.forEach((field, value) -> meta.put(new String(field, StandardCharsets.UTF_8),
						new String(value, StandardCharsets.UTF_8)));
			// An index entry without a conversation (an erasure, a start that died
			// halfway) is skipped.
			if (meta.containsKey("site")) {
				conversations.add(LiveSchema.state(ordered.get(i), meta));
			}
		}
		return conversations;
	}

	List<LogEntry> after(ConversationId id, long afterSeq, int limit) {
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.range(RedisKeys.log(id), Range.rightUnbounded(Range.Bound.inclusive((afterSeq + 1) + "-0")),
					Limit.limit().count(Math.clamp(limit, 1, 10_000)));
		List<LogEntry> entries = new ArrayList<>();
		if (records != null) {
			for (MapRecord<String, Object, Object> record : records) {
				long seq = Long.parseLong(record.getId().getValue().split("-")[0]);
				entries.add(LiveSchema.entry(id, seq, record.getValue()));
			}
		}
		return entries;
	}

}
