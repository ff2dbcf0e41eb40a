package dev.porchlight.persistence.presence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.visitor.VisitorId;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

/**
 * Presence in Redis. Staff: a sorted set of their sockets ({@code account/socket}) scored
 * by when the sighting expires, plus a set of who chose "away". Visitors: one hash per
 * visitor with a key expiry, holding where they are and their open sockets. Sockets are
 * counted across nodes, so a person with a tab (or a phone) on each of two nodes stays
 * present while either is connected.
 */
@Repository
class RedisPresences implements Presences {

	static final String STAFF = "pl:presence:staff";

	static final String AWAY = "pl:presence:away";

	private static final List<Object> FIELDS = List.of("page", "title", "browser", "at");

	private static final byte[][] FIELD_BYTES = FIELDS.stream()
		.map((field) -> bytes((String) field))
		.toArray(byte[][]::new);

	private static final Duration LEFT_REMEMBERED = Duration.ofHours(1);

	/** The longest wait for the snapshot's answers, as for any Redis command. */
	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Drops expired sightings and answers who is present, in one round trip (every socket
	 * that opens asks). Who is away is a second key, in another cluster slot, so it is
	 * asked apart, and only when someone is present.
	 */
	private static final RedisScript<List> PRESENT_STAFF = RedisScript.of("""
			redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
			return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
			""", List.class);

	/**
	 * Forgets one of a visitor's sockets; with none left (on any node), the visitor is
	 * gone and when they left is kept. Both keys share the visitor's hash tag.
	 */
	private static final RedisScript<Long> VISITOR_SOCKET_CLOSED = RedisScript.of("""
			redis.call('HDEL', KEYS[1], ARGV[1])
			for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
			  if string.sub(field, 1, 2) == 's:' then
			    return 0
			  end
			end
			redis.call('DEL', KEYS[1])
			redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
			return 1
			""", Long.class);

	/** Writes a visitor's sighting and its expiry in one round trip. */
	private static final RedisScript<Long> VISITOR_SEEN = RedisScript.of("""
			redis.call('HSET', KEYS[1], unpack(ARGV, 2))
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	RedisPresences(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public void staffSeen(AccountId account, String socket, Duration ttl) {
		this.redis.opsForZSet().add(STAFF, staffMember(account, socket), Instant.now().plus(ttl).toEpochMilli());
	}

	@Override
	public void staffGone(AccountId account, String socket) {
		this.redis.opsForZSet().remove(STAFF, staffMember(account, socket));
	}

	/** One of a staff member's sockets in the sighting set: their account id first. */
	static String staffMember(AccountId account, String socket) {
		return account + "/" + socket;
	}

	@Override
	public void staffAvailability(AccountId account, boolean available) {
		if (available) {
			this.redis.opsForSet().remove(AWAY, account.toString());
		}
		else {
			this.redis.opsForSet().add(AWAY, account.toString());
		}
	}

	@Override
	public boolean anyStaffAvailable() {
		List<?> present = this.redis.execute(PRESENT_STAFF, List.of(STAFF),
				String.valueOf(Instant.now().toEpochMilli()));
		if (present == null || present.isEmpty()) {
			return false;
		}
		Object[] accounts = present.stream().map((member) -> {
			String sighting = (String) member;
			int socket = sighting.indexOf('/');
			return (socket < 0) ? sighting : sighting.substring(0, socket);
		}).distinct().toArray();
		Map<Object, Boolean> away = this.redis.opsForSet().isMember(AWAY, accounts);
		return away != null && away.containsValue(Boolean.FALSE);
	}

	@Override
	public void visitorSeen(VisitorId visitor, @Nullable String page, @Nullable String title, @Nullable String browser,
			Duration ttl) {
		seen(visitor, page, title, browser, ttl, null);
	}

	private void seen(VisitorId visitor, @Nullable String page, @Nullable String title, @Nullable String browser,
			Duration ttl, @Nullable String socket) {
		List<String> arguments = new ArrayList<>(11);
		arguments.add(String.valueOf(ttl.toMillis()));
		arguments.add("at");
		arguments.add(String.valueOf(Instant.now().toEpochMilli()));
		if (page != null) {
			arguments.add("page");
			arguments.add(page);
		}
		if (title != null) {
			arguments.add("title");
			arguments.add(title);
		}
		if (browser != null) {
			arguments.add("browser");
			arguments.add(browser);
		}
		if (socket != null) {
			arguments.add(socketField(socket));
			arguments.add("1");
		}
		this.redis.execute(VISITOR_SEEN, List.of(key(visitor)), arguments.toArray());
	}

	@Override
	public void visitorSocketOpened(VisitorId visitor, String socket, @Nullable String browser, Duration ttl) {
		seen(visitor, null, null, browser, ttl, socket);
	}

	@Override
	public boolean visitorSocketClosed(VisitorId visitor, String socket) {
		Long gone = this.redis.execute(VISITOR_SOCKET_CLOSED, List.of(key(visitor), leftKey(visitor)),
				socketField(socket), String.valueOf(Instant.now().toEpochMilli()),
				String.valueOf(LEFT_REMEMBERED.toMillis()));
		return gone != null && gone == 1L;
	}

	/**
	 * A socket's field in the visitor's hash; page, title, browser and at never start so.
	 */
	private static String socketField(String socket) {
		return "s:" + socket;
	}

	@Override
	public Optional<Instant> visitorLeftAt(VisitorId visitor) {
		if (Boolean.TRUE.equals(this.redis.hasKey(key(visitor)))) {
			return Optional.empty();
		}
		String left = this.redis.opsForValue().get(leftKey(visitor));
		return (left != null) ? Optional.of(Instant.ofEpochMilli(Long.parseLong(left))) : Optional.empty();
	}

	private static String leftKey(VisitorId visitor) {
		return "pl:{v:" + visitor + "}:left";
	}

	@Override
	public Optional<VisitorPresence> visitor(VisitorId visitor) {
		return presence(this.redis.opsForHash().multiGet(key(visitor), FIELDS));
	}

	@Override
	public Map<VisitorId, VisitorPresence> visitors(Collection<VisitorId> visitors) {
		List<VisitorId> asked = List.copyOf(visitors);
		if (asked.isEmpty()) {
			return Map.of();
		}
		// Sent together on the shared connection and awaited together: one round trip
		// (also on a cluster, where the keys live in different slots).
		List<List<Object>> answers = this.redis.execute((RedisCallback<List<List<Object>>>) (connection) -> {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> async = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			List<RedisFuture<List<KeyValue<byte[], byte[]>>>> futures = new ArrayList<>(asked.size());
			for (VisitorId visitor : asked) {
				futures.add(async.hmget(bytes(key(visitor)), FIELD_BYTES));
			}
			List<List<Object>> values = new ArrayList<>(futures.size());
			for (RedisFuture<List<KeyValue<byte[], byte[]>>> future : futures) {
				values.add(await(future).stream()
					.map((value) -> value.hasValue() ? (Object) new String(value.getValue(), StandardCharsets.UTF_8)
							: null)
					.toList());
			}
			return values;
		});
		Map<VisitorId, VisitorPresence> present = new LinkedHashMap<>();
		for (int i = 0; i < asked.size(); i++) {
			VisitorId visitor = asked.get(i);
			presence(answers.get(i)).ifPresent((presence) -> present.put(visitor, presence));
		}
		return present;
	}

	private static <T> T await(RedisFuture<T> future) {
		try {
			return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisConnectionFailureException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + TIMEOUT, ex);
		}
		catch (ExecutionException ex) {
			throw new RedisSystemException(String.valueOf(ex.getCause()), ex.getCause());
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Optional<VisitorPresence> presence(List<?> values) {
		if (values.get(3) == null) {
			return Optional.empty();
		}
		return Optional.of(new VisitorPresence((String) values.get(0), (String) values.get(1), (String) values.get(2),
				Long.parseLong((String) values.get(3))));
	}

	private static String key(VisitorId visitor) {
		return "pl:{v:" + visitor + "}:presence";
	}

}
