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
	void windowsExpireByThemselves() throws InterruptedException {
		RateLimit limit = new RateLimit("test.short", 1, Duration.ofMillis(300));
		assertThat(this.limiter.tryAcquire(limit, "k").allowed()).isTrue();
		assertThat(this.limiter.tryAcquire(limit, "k").allowed()).isFalse();
		Thread.sleep(450);
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
