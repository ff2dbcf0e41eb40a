package dev.porchlight.persistence.conversation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

import dev.porchlight.domain.conversation.ArchiveQueue;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LogEntry;
import io.lettuce.core.KeyValue;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.RedisZSetCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

/**
 * The archive's bookkeeping in Redis: {@code pl:archive:pending:<shard>}, sixteen sorted
 * sets of the conversations ahead of the archive scored by the newest state version to
 * archive (written by the live scripts in the step that changes a conversation), a lease
 * per shard, and the conversations set aside. Reading the snapshots of a batch and
 * cleaning up after it are one exchange each, however many conversations the batch holds,
 * and one script call per {@value #CONVERSATIONS_PER_CALL} conversations of it (per
 * conversation on a Redis Cluster).
 */
@Repository
class RedisArchiveQueue implements ArchiveQueue {

	private static final Pipeline.Script READ = Pipeline.Script.of(LiveScripts.text("archive_read"));

	private static final Pipeline.Script DONE = Pipeline.Script.of(LiveScripts.text("archive_done"));

	private static final Pipeline.Script UNLIST = Pipeline.Script.of(LiveScripts.text("archive_unlist"));

	/**
	 * Conversations per script call at most: a call runs alone on Redis, so it stays
	 * short even when each conversation has many entries to read.
	 */
	static final int CONVERSATIONS_PER_CALL = 32;

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	private final Pipeline pipeline;

	/**
	 * Conversations whose keys go into one script call: many on one Redis (a call costs
	 * Redis more than the few commands in it), one on a Redis Cluster, where their keys
	 * live in different slots.
	 */
	private final int conversationsPerCall;

	RedisArchiveQueue(StringRedisTemplate redis) {
		this.redis = redis;
		RedisConnectionFactory factory = redis.getConnectionFactory();
		this.pipeline = new Pipeline(redis, (factory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout() : Duration.ofSeconds(2));
		this.conversationsPerCall = (factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware())
				? 1 : CONVERSATIONS_PER_CALL;
	}

	@Override
	public List<Integer> shardsWithWork() {
		moveLegacyQueue();
		List<Integer> shards = IntStream.range(0, RedisKeys.ARCHIVE_SHARDS).boxed().toList();
		List<Long> sizes = this.pipeline.each(shards,
				(async, shard) -> async.zcard(Pipeline.bytes(RedisKeys.awaitingArchive(shard))));
		List<Integer> busy = new ArrayList<>();
		for (int shard = 0; shard < sizes.size(); shard++) {
			if (sizes.get(shard) > 0) {
				busy.add(shard);
			}
		}
		Collections.shuffle(busy);
		return busy;
	}

	@Override
	public boolean lease(int shard, String holder, Duration lease) {
		return Boolean.TRUE
			.equals(this.redis.opsForValue().setIfAbsent(RedisKeys.archiveShardLease(shard), holder, lease));
	}

	@Override
	public void release(int shard, String holder) {
		this.redis.execute(RELEASE, List.of(RedisKeys.archiveShardLease(shard)), holder);
	}

	@Override
	public List<ConversationId> waiting(int shard, int limit) {
		Set<String> ids = this.redis.opsForZSet()
			.range(RedisKeys.awaitingArchive(shard), 0, Math.clamp(limit, 1, 100_000) - 1);
		return (ids != null) ? ids.stream().map(ConversationId::parse).toList() : List.of();
	}

	@Override
	public List<Snapshot> snapshots(Map<ConversationId, Long> after, int limit) {
		List<Map.Entry<ConversationId, Long>> asked = new ArrayList<>(after.entrySet());
		List<Object> answers = this.pipeline.script(READ, chunks(asked, this.conversationsPerCall),
				(call) -> metaAndLog(call, limit, Map.Entry::getKey, Map.Entry::getValue));
		List<Snapshot> snapshots = new ArrayList<>(asked.size());
		for (Object answer : answers) {
			for (Object conversation : (List<?>) answer) {
				snapshots.add(snapshot(asked.get(snapshots.size()).getKey(), (List<?>) conversation));
			}
		}
		return snapshots;
	}

	private static Snapshot snapshot(ConversationId id, List<?> answer) {
		if (answer.isEmpty()) {
			return new Snapshot(id, null, List.of());
		}
		Map<String, String> meta = hash((List<?>) answer.get(0));
		if (!meta.containsKey("site")) {
			// A hash without its site is not a conversation (a write raced an erasure).
			return new Snapshot(id, null, List.of());
		}
		LiveConversation state = LiveSchema.state(id, meta);
		List<LogEntry> entries = new ArrayList<>();
		for (Object record : (List<?>) answer.get(1)) {
			List<?> pair = (List<?>) record;
			String streamId = text(pair.get(0));
			long seq = Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
			entries.add(LiveSchema.entry(id, seq, hash((List<?>) pair.get(1))));
		}
		return new Snapshot(id, state, entries);
	}

	@Override
	public void archived(List<Archived> archived, int keep) {
		this.pipeline.script(DONE, chunks(archived, this.conversationsPerCall),
				(call) -> metaAndLog(call, Math.max(1, keep), Archived::id, Archived::seq));
		// One key per call (the shard a conversation is listed in): many per call even on
		// a Redis Cluster.
		Map<String, List<Archived>> byShard = new LinkedHashMap<>();
		archived.stream()
			.filter((done) -> done.version() >= 0)
			.forEach((done) -> byShard.computeIfAbsent(RedisKeys.awaitingArchive(done.id()), (key) -> new ArrayList<>())
				.add(done));
		List<Map.Entry<String, List<Archived>>> calls = new ArrayList<>();
		byShard.forEach((shard, listed) -> chunks(listed, CONVERSATIONS_PER_CALL)
			.forEach((chunk) -> calls.add(Map.entry(shard, chunk))));
		this.pipeline.script(UNLIST, calls, (call) -> {
			byte[][] args = new byte[call.getValue().size() * 2][];
			for (int i = 0; i < call.getValue().size(); i++) {
				args[2 * i] = Pipeline.bytes(call.getValue().get(i).id().toString());
				args[2 * i + 1] = Pipeline.bytes(String.valueOf(call.getValue().get(i).version()));
			}
			return new byte[][][] { { Pipeline.bytes(call.getKey()) }, args };
		});
	}

	/**
	 * Keys and arguments of a script call over several conversations: their meta and log
	 * keys in pairs; one argument for all, then one per conversation.
	 */
	private static <T> byte[][][] metaAndLog(List<T> call, long common, Function<T, ConversationId> id,
			Function<T, Long> each) {
		byte[][] keys = new byte[call.size() * 2][];
		byte[][] args = new byte[call.size() + 1][];
		args[0] = Pipeline.bytes(String.valueOf(common));
		for (int i = 0; i < call.size(); i++) {
			keys[2 * i] = Pipeline.bytes(RedisKeys.meta(id.apply(call.get(i))));
			keys[2 * i + 1] = Pipeline.bytes(RedisKeys.log(id.apply(call.get(i))));
			args[i + 1] = Pipeline.bytes(String.valueOf(each.apply(call.get(i))));
		}
		return new byte[][][] { keys, args };
	}

	/** The items in calls of at most {@code size}, in order. */
	private static <T> List<List<T>> chunks(List<T> items, int size) {
		List<List<T>> chunks = new ArrayList<>((items.size() + size - 1) / size);
		for (int from = 0; from < items.size(); from += size) {
			chunks.add(items.subList(from, Math.min(items.size(), from + size)));
		}
		return chunks;
	}

	@Override
	public void unlist(ConversationId id) {
		this.redis.opsForZSet().remove(RedisKeys.awaitingArchive(id), id.toString());
	}

	@Override
	public void failed(ConversationId id) {
		this.redis.opsForZSet().add(RedisKeys.ARCHIVE_FAILED, id.toString(), System.currentTimeMillis());
		unlist(id);
	}

	@Override
	public long failures() {
		Long count = this.redis.opsForZSet().zCard(RedisKeys.ARCHIVE_FAILED);
		return (count != null) ? count : 0;
	}

	@Override
	public long waiting() {
		return this.pipeline
			.each(IntStream.range(0, RedisKeys.ARCHIVE_SHARDS).boxed().toList(),
					(async, shard) -> async.zcard(Pipeline.bytes(RedisKeys.awaitingArchive(shard))))
			.stream()
			.mapToLong(Long::longValue)
			.sum();
	}

	@Override
	public List<ConversationId> awaitingArchive(int limit) {
		List<ConversationId> all = new ArrayList<>();
		moveLegacyQueue();
		for (int shard = 0; shard < RedisKeys.ARCHIVE_SHARDS; shard++) {
			all.addAll(waiting(shard, limit));
		}
		return all;
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
			List<ConversationId> ids = page.stream().map(ConversationId::parse).toList();
			List<List<KeyValue<byte[], byte[]>>> states = this.pipeline.each(ids,
					(async, id) -> async.hmget(Pipeline.bytes(RedisKeys.meta(id)), Pipeline.bytes("seq"),
							Pipeline.bytes("archivedSeq"), Pipeline.bytes("ver")));
			for (int i = 0; i < ids.size(); i++) {
				List<KeyValue<byte[], byte[]>> values = states.get(i);
				if (!values.get(0).hasValue()) {
					continue;
				}
				long seq = Long.parseLong(text(values.get(0).getValue()));
				long archived = values.get(1).hasValue() ? Long.parseLong(text(values.get(1).getValue())) : -1;
				long version = values.get(2).hasValue() ? Long.parseLong(text(values.get(2).getValue())) : 0;
				if (seq > archived) {
					list(ids.get(i), version);
					relisted++;
				}
			}
			start += 500;
		}
	}

	/**
	 * Lists a conversation, or moves its score up to the version (never down).
	 */
	private void list(ConversationId id, long version) {
		this.redis.execute((RedisCallback<Boolean>) (connection) -> connection.zSetCommands()
			.zAdd(Pipeline.bytes(RedisKeys.awaitingArchive(id)), version, Pipeline.bytes(id.toString()),
					RedisZSetCommands.ZAddArgs.empty().gt()));
	}

	/**
	 * Moves what a node of an earlier release (or an operator) listed in the one queue of
	 * old into the shards.
	 */
	private void moveLegacyQueue() {
		if (!Boolean.TRUE.equals(this.redis.hasKey(RedisKeys.LEGACY_AWAITING_ARCHIVE))) {
			return;
		}
		Set<ZSetOperations.TypedTuple<String>> listed = this.redis.opsForZSet()
			.rangeWithScores(RedisKeys.LEGACY_AWAITING_ARCHIVE, 0, -1);
		if (listed != null) {
			for (ZSetOperations.TypedTuple<String> member : listed) {
				if (member.getValue() != null && member.getScore() != null) {
					ConversationId id = ConversationId.parse(member.getValue());
					list(id, member.getScore().longValue());
					this.redis.opsForZSet().remove(RedisKeys.LEGACY_AWAITING_ARCHIVE, member.getValue());
				}
			}
		}
	}

	private static Map<String, String> hash(List<?> flat) {
		Map<String, String> hash = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			hash.put(text(flat.get(i)), text(flat.get(i + 1)));
		}
		return hash;
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
