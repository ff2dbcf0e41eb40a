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
import java.util.concurrent.CompletableFuture;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationNotFoundException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.ratelimit.RateLimitExceededException;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.attachment.AttachmentJson;
import dev.porchlight.persistence.ratelimit.RateLimitKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisZSetCommands;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Live conversations in Redis. Per conversation: a hash with its state ({@code meta}), a
 * stream with its log ({@code log}, entry ids are {@code <seq>-0}, so the stream id is
 * the sequence), and a hash of client message ids for de-duplication ({@code dedup}), all
 * under the {@code {c:ID}} hash tag. Every change is one Lua script ({@code redis/*.lua})
 * that also publishes the events receivers need, so a message costs one round trip.
 *
 * <p>
 * On a single Redis (or one with replicas and Sentinel) the append script also counts the
 * rate limits (the sender's and the site's), ranks the inbox and lists the conversation
 * for the archive. On Redis Cluster those keys live in other slots: the limits are
 * counted just before the script and the shared indexes are written right after it, with
 * commands that are idempotent and only move forward ({@code ZADD GT}), so a retry or the
 * next message repairs what a crash left stale.
 */
@Repository
class RedisLiveConversations implements LiveConversations {

	/**
	 * Conversations of the inbox ranking read at once for a staff member of some sites.
	 */
	private static final int INBOX_PAGE = 1000;

	private static final byte[] INBOX_KEY = RedisKeys.INBOX.getBytes(StandardCharsets.UTF_8);

	/** Stands for the rate-limit key when a message counts against none. */
	private static final String NO_LIMIT = "rl:none";

	private final StringRedisTemplate redis;

	private final RateLimiter limiter;

	private final boolean cluster;

	private final LiveReads reads;

	private final Pipeline pipeline;

	RedisLiveConversations(StringRedisTemplate redis, RateLimiter limiter) {
		this.redis = redis;
		this.limiter = limiter;
		RedisConnectionFactory factory = redis.getConnectionFactory();
		this.cluster = factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		this.pipeline = new Pipeline(redis, (factory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout() : Duration.ofSeconds(2));
		this.reads = new LiveReads(redis, this.pipeline);
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
		List<String> args = new ArrayList<>(List.of(id.toString(), RedisKeys.INBOX_CHANNEL));
		args.addAll(LiveSchema.newState(conversation));
		this.redis.execute(LiveScripts.START, List.of(RedisKeys.meta(id)), args.toArray());
		// Archived even before its first message, so it exists in PostgreSQL early.
		indexes(id, conversation.lastActivityAt().toEpochMilli(), 0);
	}

	@Override
	public Optional<LiveConversation> find(ConversationId id) {
		return this.reads.find(id);
	}

	@Override
	public List<LiveConversation> ofVisitor(VisitorId visitor) {
		return this.reads.ranked(RedisKeys.ofVisitor(visitor), 200);
	}

	@Override
	public List<LiveConversation> ofCustomer(SiteId site, CustomerId customer) {
		return this.reads.ranked(RedisKeys.ofCustomer(site, customer), 200);
	}

	@Override
	public List<LiveConversation> inbox(int limit) {
		return this.reads.ranked(RedisKeys.INBOX, Math.clamp(limit, 1, 1000));
	}

	/**
	 * Reads the one ranking of every site page by page, newest first, until enough
	 * conversations of these sites were found or the ranking ends: a quiet site's
	 * conversations are found however many of busier sites are more recent.
	 */
	@Override
	public List<LiveConversation> inbox(Set<SiteId> sites, int limit) {
		int wanted = Math.clamp(limit, 1, 1000);
		List<LiveConversation> found = new ArrayList<>();
		for (long from = 0;; from += INBOX_PAGE) {
			LiveReads.Page page = this.reads.page(RedisKeys.INBOX, from, INBOX_PAGE);
			for (LiveConversation conversation : page.conversations()) {
				if (sites.contains(conversation.conversation().siteId()) && found.size() < wanted) {
					found.add(conversation);
				}
			}
			if (found.size() >= wanted || page.last()) {
				return found;
			}
		}
	}

	@Override
	public List<LogEntry> after(ConversationId id, long afterSeq, int limit) {
		return this.reads.after(id, afterSeq, limit);
	}

	@Override
	public Appended append(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body,
			List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota address,
			@Nullable Quota shared, boolean announce) {
		if (body.isEmpty() && attachments.isEmpty()) {
			throw new IllegalArgumentException("a message has a text or files");
		}
		long millis = at.toEpochMilli();
		if (this.cluster && (quota != null || address != null || shared != null)
				&& !storedBefore(id, clientId, sender)) {
			// In that order: a sender refused for their own flood (or their address's)
			// takes nothing from the shared allowance, as in the script. A resend of a
			// stored message is not counted (the script answers it with its first
			// sequence), as in the script.
			acquire(quota);
			acquire(address);
			acquire(shared);
		}
		// Through the pipeline rather than the template: on a virtual thread the
		// template's timed wait costs a timer task per message (see Pipeline).
		List<?> result = (List<?>) this.pipeline
			.script(LiveScripts.APPEND_SCRIPT, List.of(id),
					(ignored) -> appendCall(id, clientId, sender, body, attachments, millis, quota, address, shared,
							announce))
			.get(0);
		return appended(id, clientId, sender, body, attachments, millis, result);
	}

	@Override
	public CompletableFuture<Appended> appendAsync(ConversationId id, ClientMessageId clientId, Sender sender,
			MessageBody body, List<Attachment> attachments, Instant at, @Nullable Quota quota, @Nullable Quota address,
			@Nullable Quota shared) {
		if (this.cluster || (body.isEmpty() && attachments.isEmpty())) {
			// On a cluster the limits and indexes are commands of their own around the
			// script: done in turn, as append does them.
			return LiveConversations.super.appendAsync(id, clientId, sender, body, attachments, at, quota, address,
					shared);
		}
		long millis = at.toEpochMilli();
		return this.pipeline
			.scriptAsync(LiveScripts.APPEND_SCRIPT,
					appendCall(id, clientId, sender, body, attachments, millis, quota, address, shared, true))
			.thenApply((result) -> appended(id, clientId, sender, body, attachments, millis, (List<?>) result));
	}

	/** The append script's keys and arguments. */
	private byte[][][] appendCall(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body,
			List<Attachment> attachments, long millis, @Nullable Quota quota, @Nullable Quota address,
			@Nullable Quota shared, boolean announce) {
		List<String> keys = this.cluster ? List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id))
				: List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id), limitKey(quota), RedisKeys.INBOX,
						RedisKeys.awaitingArchive(id), limitKey(shared), limitKey(address));
		boolean inScript = !this.cluster;
		List<String> args = List.of(clientId.value(), sender.kind().name(), LiveSchema.senderId(sender), body.text(),
				String.valueOf(millis), LiveConversation.preview(body, attachments), id.toString(),
				RedisKeys.channel(id), RedisKeys.INBOX_CHANNEL, permits(quota, inScript), window(quota, inScript),
				announce ? "1" : "0", permits(shared, inScript), window(shared, inScript),
				Objects.requireNonNullElse(AttachmentJson.write(attachments), ""),
				LiveSchema.dedupField(sender, clientId), permits(address, inScript), window(address, inScript));
		return new byte[][][] { bytes(keys), bytes(args) };
	}

	/** What the append script's answer means. */
	private Appended appended(ConversationId id, ClientMessageId clientId, Sender sender, MessageBody body,
			List<Attachment> attachments, long millis, List<?> result) {
		long outcome = number(result.get(0));
		if (outcome == -1) {
			throw new ConversationNotFoundException();
		}
		if (outcome == -2) {
			throw new RateLimitExceededException(Duration.ofMillis(Math.max(1, number(result.get(1)))));
		}
		long seq = number(result.get(1));
		long storedAt = number(result.get(2));
		// What the script wrote, as a reader of the log will see it (times in millis).
		LogEntry entry = new LogEntry(id, seq, LogEntry.Kind.MESSAGE, clientId, sender, body,
				Instant.ofEpochMilli((storedAt > 0) ? storedAt : millis), attachments);
		if (outcome == 0) {
			// A resend: the stored sequence and time, nothing new written.
			return new Appended(entry, true, Optional.empty());
		}
		if (this.cluster) {
			indexes(id, millis, number(result.get(4)));
		}
		long reopened = number(result.get(3));
		return new Appended(entry, false,
				(reopened > 0)
						? Optional
							.of(new LogEntry(id, reopened, LogEntry.Kind.REOPENED, null, sender, null, entry.at()))
						: Optional.empty());
	}

	@Override
	public void announce(ConversationId id, long fromSeq, long toSeq) {
		this.redis.execute(LiveScripts.ANNOUNCE, List.of(RedisKeys.meta(id), RedisKeys.log(id)),
				String.valueOf(fromSeq), String.valueOf(toSeq), id.toString(), RedisKeys.channel(id),
				RedisKeys.INBOX_CHANNEL);
	}

	@Override
	public Optional<LogEntry> changeStatus(ConversationId id, ConversationStatus status, Sender sender, Instant at,
			boolean announce) {
		long millis = at.toEpochMilli();
		List<String> keys = this.cluster ? List.of(RedisKeys.meta(id), RedisKeys.log(id))
				: List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.INBOX, RedisKeys.awaitingArchive(id));
		List<?> result = this.redis.execute(LiveScripts.STATUS, keys, status.name(), sender.kind().name(),
				LiveSchema.senderId(sender), String.valueOf(millis), id.toString(), RedisKeys.channel(id),
				RedisKeys.INBOX_CHANNEL, announce ? "1" : "0");
		long seq = number(result.get(0));
		if (seq < 0) {
			throw new ConversationNotFoundException();
		}
		if (seq == 0) {
			return Optional.empty();
		}
		if (this.cluster) {
			indexes(id, millis, number(result.get(1)));
		}
		LogEntry.Kind kind = (status == ConversationStatus.CLOSED) ? LogEntry.Kind.CLOSED : LogEntry.Kind.REOPENED;
		return Optional.of(new LogEntry(id, seq, kind, null, sender, null, Instant.ofEpochMilli(millis)));
	}

	@Override
	public long markRead(ConversationId id, Sender.Kind side, long seq) {
		Long marker = this.redis.execute(LiveScripts.READ, List.of(RedisKeys.meta(id), RedisKeys.log(id)), side.name(),
				String.valueOf(seq), id.toString(), RedisKeys.channel(id), RedisKeys.INBOX_CHANNEL);
		if (marker == null || marker < 0) {
			throw new ConversationNotFoundException();
		}
		return marker;
	}

	@Override
	public void assignCustomer(ConversationId id, CustomerId customer) {
		Object site = this.redis.opsForHash().get(RedisKeys.meta(id), "site");
		long version = assign(id, "customer", customer.toString());
		if (site == null || version < 0) {
			return;
		}
		Object started = this.redis.opsForHash().get(RedisKeys.meta(id), "startedAt");
		this.redis.opsForZSet()
			.add(RedisKeys.ofCustomer(SiteId.parse(site.toString()), customer), id.toString(),
					(started != null) ? Double.parseDouble(started.toString()) : 0);
	}

	@Override
	public boolean assignStaff(ConversationId id, @Nullable AccountId staff) {
		return assign(id, "assignee", (staff != null) ? staff.toString() : "") >= 0;
	}

	/**
	 * Sets a field the archive keeps too; the new version lists the conversation for the
	 * archive, so it learns the change: in the same script on one Redis (a crash between
	 * the two would leave a change the archive never hears of, which the re-listing of
	 * conversations with unarchived entries does not catch), after it on a cluster, where
	 * the archive queue is in another slot.
	 */
	private long assign(ConversationId id, String field, String value) {
		List<String> keys = this.cluster ? List.of(RedisKeys.meta(id))
				: List.of(RedisKeys.meta(id), RedisKeys.awaitingArchive(id));
		Long version = this.redis.execute(LiveScripts.ASSIGN, keys, field, value, id.toString(),
				RedisKeys.INBOX_CHANNEL);
		if (version == null || version < 0) {
			return -1;
		}
		if (this.cluster) {
			this.redis.execute((RedisCallback<Object>) (connection) -> connection.zSetCommands()
				.zAdd(RedisKeys.awaitingArchive(id).getBytes(StandardCharsets.UTF_8), version,
						id.toString().getBytes(StandardCharsets.UTF_8), RedisZSetCommands.ZAddArgs.empty().gt()));
		}
		return version;
	}

	@Override
	public void forget(ConversationId id) {
		Object visitor = this.redis.opsForHash().get(RedisKeys.meta(id), "visitor");
		this.redis
			.delete(List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id), RedisKeys.archiveLease(id)));
		this.redis.opsForZSet().remove(RedisKeys.INBOX, id.toString());
		this.redis.opsForZSet().remove(RedisKeys.awaitingArchive(id), id.toString());
		if (visitor != null) {
			this.redis.opsForZSet().remove(RedisKeys.ofVisitor(VisitorId.parse(visitor.toString())), id.toString());
		}
	}

	/**
	 * The inbox ranking and the archive listing where the script could not write them (a
	 * cluster, or a new conversation). GT: both only ever move forward, so late or
	 * repeated writes are harmless.
	 */
	private void indexes(ConversationId id, long at, long version) {
		byte[] member = id.toString().getBytes(StandardCharsets.UTF_8);
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.zSetCommands().zAdd(INBOX_KEY, at, member, RedisZSetCommands.ZAddArgs.empty().gt());
			connection.zSetCommands()
				.zAdd(RedisKeys.awaitingArchive(id).getBytes(StandardCharsets.UTF_8), version, member,
						RedisZSetCommands.ZAddArgs.empty().gt());
			return null;
		});
	}

	/**
	 * Whether the conversation already holds this sender's message of that client id (the
	 * field the append script writes in the conversation's {@code dedup} hash).
	 */
	private boolean storedBefore(ConversationId id, ClientMessageId clientId, Sender sender) {
		return this.redis.opsForHash().hasKey(RedisKeys.dedup(id), LiveSchema.dedupField(sender, clientId));
	}

	/**
	 * Counts a message against a quota before the script, on a cluster, where the counter
	 * lives in another slot than the conversation.
	 */
	private void acquire(@Nullable Quota quota) {
		if (quota != null) {
			RateLimiter.Decision decision = this.limiter.tryAcquire(quota.limit(), quota.key());
			if (!decision.allowed()) {
				throw new RateLimitExceededException(decision.retryAfter());
			}
		}
	}

	private static String limitKey(@Nullable Quota quota) {
		return (quota != null) ? RateLimitKeys.of(quota.limit(), quota.key()) : NO_LIMIT;
	}

	/** The permits the script counts against: 0 when it counts none. */
	private static String permits(@Nullable Quota quota, boolean inScript) {
		return (quota != null && inScript) ? String.valueOf(quota.limit().permits()) : "0";
	}

	private static String window(@Nullable Quota quota, boolean inScript) {
		return (quota != null && inScript) ? String.valueOf(quota.limit().window().toMillis()) : "0";
	}

	private static byte[][] bytes(List<String> texts) {
		byte[][] bytes = new byte[texts.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = Pipeline.bytes(texts.get(i));
		}
		return bytes;
	}

	private static long number(Object value) {
		return ((Number) value).longValue();
	}

}
