package dev.porchlight.persistence.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.porchlight.domain.ratelimit.RateLimit;

/**
 * The Redis key of a rate-limit counter: the limit's name and a hash of the limited key,
 * never the key itself (no email or IP address is written to Redis). Shared by the rate
 * limiter and the live append script, which counts a message in the same step that stores
 * it.
 */
public final class RateLimitKeys {

	private RateLimitKeys() {
	}

	public static String of(RateLimit limit, String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return "rl:" + limit.name() + ":" + HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JDK", ex);
		}
	}

}
