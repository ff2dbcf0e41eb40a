package dev.porchlight.persistence.conversation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationNotFoundException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisZSetCommands;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

/**
 * Live conversations in Redis. Per conversation: a hash with its state ({@code meta}), a
 * stream with its log ({@code log}, entry ids are {@code <seq>-0}, so the stream id is
 * the sequence), and a hash of client message ids for de-duplication ({@code dedup}). All
 * three share the {@code {c:ID}} hash tag, and every change to them is one Lua script.
 *
 * <p>
 * The inbox ranking and the per-visitor and per-customer indexes span conversations, so
 * on Redis Cluster they cannot be in the same script. They are written right after it,
 * with commands that are idempotent and only move forward ({@code ZADD GT}), so a retry
 * or the next message repairs a ranking a crash left stale.
 */
@Repository
class RedisLiveConversations implements LiveConversations {

	private static final RedisScript<Long> START = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			redis.call('HSET', KEYS[1], unpack(ARGV))
			return 1
			""", Long.class);

	private static final RedisScript<List> APPEND = RedisScript.of(
			"""
					if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0, 0} end
					-- Client ids are unique per sender: another sender may well pick the same one.
					local dedupKey = ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[1]
					local existing = redis.call('HGET', KEYS[3], dedupKey)
					if existing then return {0, tonumber(existing), 0, 0} end
					local reopened = 0
					if redis.call('HGET', KEYS[1], 'status') == 'CLOSED' then
					  reopened = redis.call('HINCRBY', KEYS[1], 'seq', 1)
					  redis.call('XADD', KEYS[2], reopened .. '-0', 'k', 'REOPENED', 'sk', ARGV[2], 'si', ARGV[3], 'at', ARGV[5])
					  redis.call('HSET', KEYS[1], 'status', 'OPEN')
					  redis.call('HDEL', KEYS[1], 'closedAt')
					end
					local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
					redis.call('XADD', KEYS[2], seq .. '-0', 'k', 'MESSAGE', 'c', ARGV[1], 'sk', ARGV[2], 'si', ARGV[3],
					  'b', ARGV[4], 'at', ARGV[5])
					redis.call('HSET', KEYS[3], dedupKey, seq)
					redis.call('HSET', KEYS[1], 'lastActivity', ARGV[5], 'preview', ARGV[6], 'lastSender', ARGV[2])
					if ARGV[2] == 'VISITOR' then
					  redis.call('HINCRBY', KEYS[1], 'unreadStaff', 1)
					else
					  redis.call('HINCRBY', KEYS[1], 'unreadVisitor', 1)
					end
					local ver = redis.call('HINCRBY', KEYS[1], 'ver', 1)
					return {1, seq, reopened, ver}
					""",
			List.class);

	private static final RedisScript<List> STATUS = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
			if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then return {0, 0} end
			local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
			local kind = (ARGV[1] == 'CLOSED') and 'CLOSED' or 'REOPENED'
			redis.call('XADD', KEYS[2], seq .. '-0', 'k', kind, 'sk', ARGV[2], 'si', ARGV[3], 'at', ARGV[4])
			redis.call('HSET', KEYS[1], 'status', ARGV[1], 'lastActivity', ARGV[4])
			if ARGV[1] == 'CLOSED' then
			  redis.call('HSET', KEYS[1], 'closedAt', ARGV[4])
			else
			  redis.call('HDEL', KEYS[1], 'closedAt')
			end
			local ver = redis.call('HINCRBY', KEYS[1], 'ver', 1)
			return {seq, ver}
			""", List.class);

	private static final RedisScript<Long> READ = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
			local field = (ARGV[1] == 'STAFF') and 'readStaff' or 'readVisitor'
			local counter = (ARGV[1] == 'STAFF') and 'unreadStaff' or 'unreadVisitor'
			local current = tonumber(redis.call('HGET', KEYS[1], field) or '0')
			local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
			local seq = math.min(tonumber(ARGV[2]), last)
			if seq <= current then return current end
			redis.call('HSET', KEYS[1], field, seq)
			local unread = 0
			if seq < last then
			  for _, entry in ipairs(redis.call('XRANGE', KEYS[2], (seq + 1) .. '-0', '+')) do
			    local kind, sender
			    local fields = entry[2]
			    for i = 1, #fields, 2 do
			      if fields[i] == 'k' then kind = fields[i + 1] elseif fields[i] == 'sk' then sender = fields[i + 1] end
			    end
			    local counted
			    if ARGV[1] == 'STAFF' then counted = (sender == 'VISITOR') else counted = (sender ~= 'VISITOR') end
			    if kind == 'MESSAGE' and counted then unread = unread + 1 end
			  end
			end
			redis.call('HSET', KEYS[1], counter, unread)
			return seq
			""", Long.class);

	/**
	 * Adds or moves a member forward only: late or repeated writes never move it back.
	 */
	private static final byte[] INBOX_KEY = RedisKeys.INBOX.getBytes(StandardCharsets.UTF_8);

	private static final byte[] AWAITING_ARCHIVE_KEY = RedisKeys.AWAITING_ARCHIVE.getBytes(StandardCharsets.UTF_8);

	private static final RedisScript<Long> ZADD_GT = RedisScript.of("""
			return redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
			""", Long.class);

	private static final RedisScript<Long> ARCHIVED = RedisScript.of("""
			local current = tonumber(redis.call('HGET', KEYS[1], 'archivedSeq') or '0')
			local seq = tonumber(ARGV[1])
			if seq < current then seq = current end
			redis.call('HSET', KEYS[1], 'archivedSeq', seq)
			local keepFrom = seq - tonumber(ARGV[2]) + 1
			if keepFrom > 1 then redis.call('XTRIM', KEYS[2], 'MINID', keepFrom .. '-0') end
			return seq
			""", Long.class);

	private static final RedisScript<Long> UNLIST = RedisScript.of("""
			local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
			if score and tonumber(score) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
			return 0
			""", Long.class);

	private static final RedisScript<Long> ASSIGN = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
			redis.call('HSET', KEYS[1], 'customer', ARGV[1])
			return redis.call('HINCRBY', KEYS[1], 'ver', 1)
			""", Long.class);

	/** The assignee lives with the conversation's live state (shown in every inbox). */
	private static final RedisScript<Long> ASSIGN_STAFF = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
			if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'assignee')
			else redis.call('HSET', KEYS[1], 'assignee', ARGV[1]) end
			return redis.call('HINCRBY', KEYS[1], 'ver', 1)
			""", Long.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
			return 0
			""", Long.class);

	private final StringRedisTemplate redis;

	RedisLiveConversations(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public void start(Conversation conversation) {
		ConversationId id = conversation.id();
		long started = conversation.startedAt().toEpochMilli();
		// Indexes first: an index entry without a conversation is skipped when read, a
		// conversation missing from its visitor's index would be invisible to them.
		this.redis.opsForZSet().add(RedisKeys.ofVisitor(conversation.visitorId()), id.toString(), started);
		if (conversation.customerId() != null) {
			this.redis.opsForZSet()
				.add(RedisKeys.ofCustomer(conversation.siteId(), conversation.customerId()), id.toString(), started);
		}
		List<String> fields = new ArrayList<>();
		put(fields, "site", conversation.siteId().toString());
		put(fields, "visitor", conversation.visitorId().toString());
		put(fields, "customer", (conversation.customerId() != null) ? conversation.customerId().toString() : null);
		put(fields, "status", conversation.status().name());
		put(fields, "startedAt", String.valueOf(started));
		put(fields, "lastActivity", String.valueOf(conversation.lastActivityAt().toEpochMilli()));
		put(fields, "seq", "0");
		PageContext context = conversation.context();
		put(fields, "ctxUrl", context.url());
		put(fields, "ctxTitle", context.title());
		put(fields, "ctxReferrer", context.referrer());
		put(fields, "ctxLocale", context.locale());
		this.redis.execute(START, List.of(RedisKeys.meta(id)), fields.toArray());
		rank(id, conversation.lastActivityAt());
		// Archived even before its first message, so it exists in PostgreSQL early.
		awaitArchive(id, 0);
	}

	@Override
	public Optional<LiveConversation> find(ConversationId id) {
		Map<Object, Object> meta = this.redis.opsForHash().entries(RedisKeys.meta(id));
		// A hash without its site is not a conversation (e.g. a write raced an erasure).
		return meta.containsKey("site") ? Optional.of(live(id, meta)) : Optional.empty();
	}

	@Override
	public List<LiveConversation> ofVisitor(VisitorId visitor) {
		return load(this.redis.opsForZSet().reverseRange(RedisKeys.ofVisitor(visitor), 0, 199));
	}

	@Override
	public List<LiveConversation> ofCustomer(SiteId site, CustomerId customer) {
		return load(this.redis.opsForZSet().reverseRange(RedisKeys.ofCustomer(site, customer), 0, 199));
	}

	@Override
	public List<LiveConversation> inbox(int limit) {
		return load(this.redis.opsForZSet().reverseRange(RedisKeys.INBOX, 0, Math.clamp(limit, 1, 1000) - 1));
	}

	@Override
	public Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body, Instant at) {
		List<?> result = this.redis.execute(APPEND, keys(id), clientId.value(), sender.kind().name(), senderId(sender),
				body.text(), String.valueOf(at.toEpochMilli()), LiveConversation.preview(body));
		long outcome = number(result.get(0));
		if (outcome < 0) {
			throw new ConversationNotFoundException();
		}
		long seq = number(result.get(1));
		if (outcome == 0) {
			// A resend: answer with what was stored the first time.
			return new Appended(entry(id, seq).orElseThrow(), true, Optional.empty());
		}
		// What the script wrote, as a reader of the log will see it (times in millis).
		LogEntry entry = new LogEntry(id, seq, LogEntry.Kind.MESSAGE, clientId, sender, body,
				Instant.ofEpochMilli(at.toEpochMilli()));
		indexes(id, at, number(result.get(3)));
		long reopened = number(result.get(2));
		return new Appended(entry, false, (reopened > 0) ? entry(id, reopened) : Optional.empty());
	}

	@Override
	public Optional<LogEntry> changeStatus(ConversationId id, ConversationStatus status, Sender sender, Instant at) {
		List<?> result = this.redis.execute(STATUS, List.of(RedisKeys.meta(id), RedisKeys.log(id)), status.name(),
				sender.kind().name(), senderId(sender), String.valueOf(at.toEpochMilli()));
		long seq = number(result.get(0));
		if (seq < 0) {
			throw new ConversationNotFoundException();
		}
		if (seq == 0) {
			return Optional.empty();
		}
		rank(id, at);
		awaitArchive(id, number(result.get(1)));
		return entry(id, seq);
	}

	@Override
	public List<LogEntry> after(ConversationId id, long afterSeq, int limit) {
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.range(RedisKeys.log(id), Range.rightUnbounded(Range.Bound.inclusive((afterSeq + 1) + "-0")),
					Limit.limit().count(Math.clamp(limit, 1, 10_000)));
		List<LogEntry> entries = new ArrayList<>();
		if (records != null) {
			records.forEach((record) -> entries.add(entry(id, record)));
		}
		return entries;
	}

	@Override
	public long markRead(ConversationId id, Sender.Kind side, long seq) {
		Long marker = this.redis.execute(READ, List.of(RedisKeys.meta(id), RedisKeys.log(id)), side.name(),
				String.valueOf(seq));
		if (marker == null || marker < 0) {
			throw new ConversationNotFoundException();
		}
		return marker;
	}

	@Override
	public List<ConversationId> awaitingArchive(int limit) {
		Set<String> ids = this.redis.opsForZSet()
			.range(RedisKeys.AWAITING_ARCHIVE, 0, Math.clamp(limit, 1, 10_000) - 1);
		return (ids != null) ? ids.stream().map(ConversationId::parse).toList() : List.of();
	}

	@Override
	public boolean leaseForArchive(ConversationId id, String holder, Duration lease) {
		return Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(RedisKeys.archiveLease(id), holder, lease));
	}

	@Override
	public void releaseArchiveLease(ConversationId id, String holder) {
		this.redis.execute(RELEASE, List.of(RedisKeys.archiveLease(id)), holder);
	}

	@Override
	public void archived(ConversationId id, long seq, long version, int keep) {
		this.redis.execute(ARCHIVED, List.of(RedisKeys.meta(id), RedisKeys.log(id)), String.valueOf(seq),
				String.valueOf(Math.max(1, keep)));
		// Only if nothing changed after the archived state: any change raised the score
		// above it.
		this.redis.execute(UNLIST, List.of(RedisKeys.AWAITING_ARCHIVE), id.toString(), String.valueOf(version));
	}

	@Override
	public void archiveFailed(ConversationId id) {
		this.redis.opsForZSet().add(RedisKeys.ARCHIVE_FAILED, id.toString(), System.currentTimeMillis());
		this.redis.opsForZSet().remove(RedisKeys.AWAITING_ARCHIVE, id.toString());
	}

	@Override
	public long archiveFailures() {
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
					awaitArchive(ConversationId.parse(id), version);
					relisted++;
				}
			}
			start += 500;
		}
	}

	@Override
	public void assignCustomer(ConversationId id, CustomerId customer) {
		Object site = this.redis.opsForHash().get(RedisKeys.meta(id), "site");
		Long version = this.redis.execute(ASSIGN, List.of(RedisKeys.meta(id)), customer.toString());
		if (site == null || version == null || version < 0) {
			return;
		}
		Object started = this.redis.opsForHash().get(RedisKeys.meta(id), "startedAt");
		this.redis.opsForZSet()
			.add(RedisKeys.ofCustomer(SiteId.parse(site.toString()), customer), id.toString(),
					(started != null) ? Double.parseDouble(started.toString()) : 0);
		// The new version is above what was archived, so the archive learns the customer.
		awaitArchive(id, version);
	}

	@Override
	public boolean assignStaff(ConversationId id, @Nullable AccountId staff) {
		Long version = this.redis.execute(ASSIGN_STAFF, List.of(RedisKeys.meta(id)),
				(staff != null) ? staff.toString() : "");
		return version != null && version >= 0;
	}

	@Override
	public void forget(ConversationId id) {
		Object visitor = this.redis.opsForHash().get(RedisKeys.meta(id), "visitor");
		this.redis
			.delete(List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id), RedisKeys.archiveLease(id)));
		this.redis.opsForZSet().remove(RedisKeys.INBOX, id.toString());
		this.redis.opsForZSet().remove(RedisKeys.AWAITING_ARCHIVE, id.toString());
		if (visitor != null) {
			this.redis.opsForZSet().remove(RedisKeys.ofVisitor(VisitorId.parse(visitor.toString())), id.toString());
		}
	}

	private void awaitArchive(ConversationId id, long version) {
		this.redis.execute(ZADD_GT, List.of(RedisKeys.AWAITING_ARCHIVE), String.valueOf(version), id.toString());
	}

	private Optional<LogEntry> entry(ConversationId id, long seq) {
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.range(RedisKeys.log(id), Range.closed(seq + "-0", seq + "-0"));
		return (records == null || records.isEmpty()) ? Optional.empty() : Optional.of(entry(id, records.get(0)));
	}

	/**
	 * The inbox ranking and the archive listing after an append (they are in other slots
	 * than the conversation on a cluster, so not in its script). GT: both only ever move
	 * forward, so late or repeated writes are harmless. Plain commands on the shared
	 * connection: a pipeline would take a dedicated connection, a new one each time.
	 */
	private void indexes(ConversationId id, Instant at, long version) {
		byte[] member = id.toString().getBytes(StandardCharsets.UTF_8);
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.zSetCommands()
				.zAdd(INBOX_KEY, at.toEpochMilli(), member, RedisZSetCommands.ZAddArgs.empty().gt());
			connection.zSetCommands()
				.zAdd(AWAITING_ARCHIVE_KEY, version, member, RedisZSetCommands.ZAddArgs.empty().gt());
			return null;
		});
	}

	private void rank(ConversationId id, Instant at) {
		// GT: the rank only ever moves forward, so late or repeated writes are harmless.
		this.redis.execute(ZADD_GT, List.of(RedisKeys.INBOX), String.valueOf(at.toEpochMilli()), id.toString());
	}

	private List<LiveConversation> load(@Nullable Set<String> ids) {
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<String> ordered = new ArrayList<>(ids);
		List<Object> metas = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			ordered.forEach((id) -> connection.hashCommands()
				.hGetAll(RedisKeys.meta(ConversationId.parse(id)).getBytes(StandardCharsets.UTF_8)));
			return null;
		});
		List<LiveConversation> conversations = new ArrayList<>();
		for (int i = 0; i < ordered.size(); i++) {
			if (metas.get(i) instanceof Map<?, ?> meta && meta.containsKey("site")) {
				conversations.add(live(ConversationId.parse(ordered.get(i)), new HashMap<>(meta)));
			}
		}
		return conversations;
	}

	private static LiveConversation live(ConversationId id, Map<?, ?> meta) {
		String customer = text(meta, "customer");
		ConversationStatus status = ConversationStatus.valueOf(Objects.requireNonNull(text(meta, "status")));
		String closedAt = text(meta, "closedAt");
		Conversation conversation = new Conversation(id, new SiteId(UUID.fromString(text(meta, "site"))),
				new VisitorId(UUID.fromString(text(meta, "visitor"))),
				(customer != null) ? new CustomerId(UUID.fromString(customer)) : null, status,
				new PageContext(text(meta, "ctxUrl"), text(meta, "ctxTitle"), text(meta, "ctxReferrer"),
						text(meta, "ctxLocale")),
				instant(text(meta, "startedAt")), instant(text(meta, "lastActivity")),
				(status == ConversationStatus.CLOSED)
						? instant((closedAt != null) ? closedAt : text(meta, "lastActivity")) : null);
		String lastSender = text(meta, "lastSender");
		String assignee = text(meta, "assignee");
		return new LiveConversation(conversation, count(meta, "seq"), count(meta, "readStaff"),
				count(meta, "readVisitor"), count(meta, "unreadStaff"), count(meta, "unreadVisitor"),
				text(meta, "preview"), (lastSender != null) ? Sender.Kind.valueOf(lastSender) : null,
				(assignee != null) ? new AccountId(UUID.fromString(assignee)) : null, count(meta, "ver"));
	}

	private static LogEntry entry(ConversationId id, MapRecord<String, Object, Object> record) {
		Map<Object, Object> fields = record.getValue();
		long seq = Long.parseLong(record.getId().getValue().split("-")[0]);
		LogEntry.Kind kind = LogEntry.Kind.valueOf((String) fields.get("k"));
		Sender sender = sender((String) fields.get("sk"), (String) fields.get("si"));
		String clientId = (String) fields.get("c");
		String body = (String) fields.get("b");
		return new LogEntry(id, seq, kind, (clientId != null) ? new ClientMessageId(clientId) : null, sender,
				(body != null) ? new MessageBody(body) : null, instant((String) fields.get("at")));
	}

	private static Sender sender(String kind, @Nullable String id) {
		return Sender.of(Sender.Kind.valueOf(kind), (id == null || id.isEmpty()) ? null : UUID.fromString(id));
	}

	private static String senderId(Sender sender) {
		return (sender.id() != null) ? sender.id().toString() : "";
	}

	private static List<String> keys(ConversationId id) {
		return List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id));
	}

	private static void put(List<String> fields, String name, @Nullable String value) {
		if (value != null) {
			fields.add(name);
			fields.add(value);
		}
	}

	private static @Nullable String text(Map<?, ?> meta, String field) {
		Object value = meta.get(field);
		return (value != null) ? value.toString() : null;
	}

	private static long count(Map<?, ?> meta, String field) {
		String value = text(meta, field);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	private static Instant instant(String millis) {
		return Instant.ofEpochMilli(Long.parseLong(millis));
	}

	private static long number(Object value) {
		return ((Number) value).longValue();
	}

}
