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
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The reads of {@link RedisLiveConversations}: one conversation's state, ranked lists of
 * conversations (their states fetched together in one exchange) and a log's entries.
 */
final class LiveReads {

	private static final byte[] PUB = Pipeline.bytes("pub");

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
		return page(key, 0, limit).conversations();
	}

	/**
	 * A page of the conversations of a sorted set of ids, highest score first.
	 * @param key the sorted set
	 * @param from the rank of the first
	 * @param count how many ranks to read
	 * @return the conversations of those ranks, and whether the set ends there
	 */
	Page page(String key, long from, int count) {
		Set<String> ids = this.redis.opsForZSet().reverseRange(key, from, from + count - 1);
		if (ids == null || ids.isEmpty()) {
			return new Page(List.of(), true);
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
		return new Page(conversations, ids.size() < count);
	}

	/**
	 * Conversations of some ranks of a sorted set.
	 *
	 * @param conversations those that still exist, highest score first
	 * @param last whether no rank follows
	 */
	record Page(List<LiveConversation> conversations, boolean last) {
	}

	/**
	 * Log entries after a sequence, never past the last one announced (the meta hash's
	 * {@code pub}): with replica acks an entry is announced once replicas hold it, and
	 * until then nobody reads it either, so a failover cannot take back what a reader
	 * saw. The announced sequence is read first, in the same round trip: whatever it
	 * covers is in the log already.
	 */
	List<LogEntry> after(ConversationId id, long afterSeq, int limit) {
		byte[] meta = Pipeline.bytes(RedisKeys.meta(id));
		byte[] log = Pipeline.bytes(RedisKeys.log(id));
		io.lettuce.core.Range<String> range = io.lettuce.core.Range.create((afterSeq + 1) + "-0", "+");
		io.lettuce.core.Limit count = io.lettuce.core.Limit.from(Math.clamp(limit, 1, 10_000));
		return this.pipeline.together((async) -> {
			RedisFuture<byte[]> announced = async.hget(meta, PUB);
			RedisFuture<List<StreamMessage<byte[], byte[]>>> records = async.xrange(log, range, count);
			byte[] pub = this.pipeline.await(announced);
			long last = (pub != null) ? Long.parseLong(new String(pub, StandardCharsets.UTF_8)) : Long.MAX_VALUE;
			List<LogEntry> entries = new ArrayList<>();
			for (StreamMessage<byte[], byte[]> record : this.pipeline.await(records)) {
				String recordId = record.getId();
				long seq = Long.parseLong(recordId.substring(0, recordId.indexOf('-')));
				if (seq > last) {
					break;
				}
				Map<String, String> fields = new HashMap<>();
				record.getBody()
					.forEach((field, value) -> fields.put(new String(field, StandardCharsets.UTF_8),
							new String(value, StandardCharsets.UTF_8)));
				entries.add(LiveSchema.entry(id, seq, fields));
			}
			return entries;
		});
	}

}
