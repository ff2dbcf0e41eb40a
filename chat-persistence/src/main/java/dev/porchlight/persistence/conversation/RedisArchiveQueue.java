package dev.porchlight.persistence.conversation;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.porchlight.domain.conversation.ArchiveQueue;
import dev.porchlight.domain.conversation.ConversationId;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

/**
 * The archive's bookkeeping in Redis: {@code pl:archive:pending}, a sorted set of the
 * conversations ahead of the archive scored by the newest state version to archive
 * (written by the live scripts in the step that changes the conversation), a lease per
 * conversation, and the conversations set aside.
 */
@Repository
class RedisArchiveQueue implements ArchiveQueue {

	private static final RedisScript<Long> ARCHIVED = RedisScript.of("""
			local current = tonumber(redis.call('HGET', KEYS[1], 'archivedSeq') or '0')
			local seq = tonumber(ARGV[1])
			if seq < current then seq = current end
			redis.call('HSET', KEYS[1], 'archivedSeq', seq)
			local keepFrom = seq - tonumber(ARGV[2]) + 1
			if keepFrom > 1 then redis.call('XTRIM', KEYS[2], 'MINID', keepFrom .. '-0') end
			return seq
			""", Long.class);

	/** Only if nothing changed after the archived state: any change raised the score. */
	private static final RedisScript<Long> UNLIST = RedisScript.of("""
			local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
			if score and tonumber(score) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
			return 0
			""", Long.class);

	private static final RedisScript<Long> ZADD_GT = RedisScript.of("""
			return redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
			""", Long.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	RedisArchiveQueue(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public List<ConversationId> awaitingArchive(int limit) {
		Set<String> ids = this.redis.opsForZSet()
			.range(RedisKeys.AWAITING_ARCHIVE, 0, Math.clamp(limit, 1, 10_000) - 1);
		return (ids != null) ? ids.stream().map(ConversationId::parse).toList() : List.of();
	}

	@Override
	public long waiting() {
		Long count = this.redis.opsForZSet().zCard(RedisKeys.AWAITING_ARCHIVE);
		return (count != null) ? count : 0;
	}

	@Override
	public boolean lease(ConversationId id, String holder, Duration lease) {
		return Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(RedisKeys.archiveLease(id), holder, lease));
	}

	@Override
	public void release(ConversationId id, String holder) {
		this.redis.execute(RELEASE, List.of(RedisKeys.archiveLease(id)), holder);
	}

	@Override
	public void archived(ConversationId id, long seq, long version, int keep) {
		this.redis.execute(ARCHIVED, List.of(RedisKeys.meta(id), RedisKeys.log(id)), String.valueOf(seq),
				String.valueOf(Math.max(1, keep)));
		this.redis.execute(UNLIST, List.of(RedisKeys.AWAITING_ARCHIVE), id.toString(), String.valueOf(version));
	}

	@Override
	public void failed(ConversationId id) {
		this.redis.opsForZSet().add(RedisKeys.ARCHIVE_FAILED, id.toString(), System.currentTimeMillis());
		this.redis.opsForZSet().remove(RedisKeys.AWAITING_ARCHIVE, id.toString());
	}

	@Override
	public long failures() {
		Long count = this.redis.opsForZSet().zCard(RedisKeys.ARCHIVE_FAILED);
		return (count != null) ? count : 0;
	}

	@Override
	public void unlist(ConversationId id) {
		this.redis.opsForZSet().remove(RedisKeys.AWAITING_ARCHIVE, id.toString());
	}

	@Override
	public int relistUnarchived() {
		int relisted = 0;
		long start = 0;
		while (true) {
			Set<String> page = this.redis.opsForZSet().range(RedisKeys.INBOX, start, start + 499);
			if (page == null || page.isEmpty()) {
				return relisted;
			}
			for (String id : page) {
				List<Object> values = this.redis.opsForHash()
					.multiGet(RedisKeys.meta(ConversationId.parse(id)), List.of("seq", "archivedSeq", "ver"));
				long seq = (values.get(0) != null) ? Long.parseLong((String) values.get(0)) : 0;
				long archived = (values.get(1) != null) ? Long.parseLong((String) values.get(1)) : -1;
				long version = (values.get(2) != null) ? Long.parseLong((String) values.get(2)) : 0;
				if (values.get(0) != null && seq > archived) {
					this.redis.execute(ZADD_GT, List.of(RedisKeys.AWAITING_ARCHIVE), String.valueOf(version), id);
					relisted++;
				}
			}
			start += 500;
		}
	}

}
