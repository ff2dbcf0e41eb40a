package dev.porchlight.persistence.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Presence in Redis. Staff: a sorted set of account ids scored by when their sighting
 * expires, plus a hash of who chose "away". Visitors: one hash per visitor with a key
 * expiry.
 */
@Repository
class RedisPresences implements Presences {

	static final String STAFF = "pl:presence:staff";

	static final String AWAY = "pl:presence:away";

	private final StringRedisTemplate redis;

	RedisPresences(StringRedisTemplate redis) {
		this.redis = redis;
	}

	@Override
	public void staffSeen(AccountId account, Duration ttl) {
		this.redis.opsForZSet().add(STAFF, account.toString(), Instant.now().plus(ttl).toEpochMilli());
	}

	@Override
	public void staffGone(AccountId account) {
		this.redis.opsForZSet().remove(STAFF, account.toString());
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
		long now = Instant.now().toEpochMilli();
		this.redis.opsForZSet().removeRangeByScore(STAFF, 0, now);
		Set<String> present = this.redis.opsForZSet().rangeByScore(STAFF, now, Double.MAX_VALUE);
		if (present == null || present.isEmpty()) {
			return false;
		}
		Set<String> away = this.redis.opsForSet().members(AWAY);
		return present.stream().anyMatch((id) -> away == null || !away.contains(id));
	}

	@Override
	public void visitorSeen(VisitorId visitor, @Nullable String page, @Nullable String title, Duration ttl) {
		String key = key(visitor);
		Map<String, String> fields = new HashMap<>();
		fields.put("at", String.valueOf(Instant.now().toEpochMilli()));
		if (page != null) {
			fields.put("page", page);
		}
		if (title != null) {
			fields.put("title", title);
		}
		this.redis.opsForHash().putAll(key, fields);
		this.redis.expire(key, ttl);
	}

	@Override
	public void visitorGone(VisitorId visitor) {
		this.redis.delete(key(visitor));
	}

	@Override
	public Optional<VisitorPresence> visitor(VisitorId visitor) {
		List<Object> values = this.redis.opsForHash().multiGet(key(visitor), List.of("page", "title", "at"));
		if (values.get(2) == null) {
			return Optional.empty();
		}
		return Optional.of(new VisitorPresence((String) values.get(0), (String) values.get(1),
				Long.parseLong((String) values.get(2))));
	}

	private static String key(VisitorId visitor) {
		return "pl:{v:" + visitor + "}:presence";
	}

}
