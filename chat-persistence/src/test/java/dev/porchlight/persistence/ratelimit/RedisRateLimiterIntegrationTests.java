package dev.porchlight.persistence.ratelimit;

import java.time.Duration;
import java.util.Set;

import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.ratelimit.RateLimiter.Decision;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class RedisRateLimiterIntegrationTests {

	@Autowired
	RateLimiter limiter;

	@Autowired
	StringRedisTemplate redis;

	@Test
	void allowsThePermitsOfAWindowThenRefusesWithARetryTime() {
		RateLimit limit = new RateLimit("test.burst", 3, Duration.ofMinutes(5));
		assertThat(this.limiter.tryAcquire(limit, "a").allowed()).isTrue();
		assertThat(this.limiter.tryAcquire(limit, "a").allowed()).isTrue();
		Decision third = this.limiter.tryAcquire(limit, "a");
		assertThat(third.allowed()).isTrue();
		assertThat(third.remaining()).isZero();
		assertThat(this.limiter.peek(limit, "a").allowed()).isFalse();
		Decision fourth = this.limiter.tryAcquire(limit, "a");
		assertThat(fourth.allowed()).isFalse();
		assertThat(fourth.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
		assertThat(this.limiter.tryAcquire(limit, "b").allowed()).as("keys are counted separately").isTrue();
		this.limiter.reset(limit, "a");
		assertThat(this.limiter.tryAcquire(limit, "a").allowed()).isTrue();
	}

	@Test
	void windowsExpireByThemselves() {
		// Long enough that a busy machine cannot let it pass between the two first calls.
		RateLimit limit = new RateLimit("test.short", 1, Duration.ofSeconds(2));
		assertThat(this.limiter.tryAcquire(limit, "k").allowed()).isTrue();
		Decision refused = this.limiter.tryAcquire(limit, "k");
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(limit.window());
		// Nothing resets the window but Redis expiring its counter; then the key is let
		// through again.
		await("the window's counter expired by itself").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.redis.keys("rl:test.short:*").isEmpty());
		assertThat(this.limiter.tryAcquire(limit, "k").allowed()).isTrue();
	}

	@Test
	void neverWritesTheLimitedKeyItselfToRedis() {
		RateLimit limit = new RateLimit("test.privacy", 5, Duration.ofMinutes(1));
		this.limiter.tryAcquire(limit, "ada@shop.example");
		Set<String> keys = this.redis.keys("rl:test.privacy:*");
		assertThat(keys).hasSize(1).noneMatch((key) -> key.contains("ada"));
		assertThat(this.redis.getExpire(keys.iterator().next())).isPositive();
	}

}
