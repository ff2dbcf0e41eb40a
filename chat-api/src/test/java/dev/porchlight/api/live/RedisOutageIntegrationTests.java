package dev.porchlight.api.live;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.HttpProbe;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.embedded.EmbeddedJdbcConnectionDetails;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import dev.porchlight.persistence.testing.RealEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away under a live conversation and comes back on its append-only file: a
 * send in between is refused at once with the documented retryable error (not left
 * hanging), readiness goes down while liveness stays up, and the same send repeated after
 * Redis is back is stored once.
 */
class RedisOutageIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@TempDir
	Path redisDir;

	@Test
	void sendsAreRefusedAsRetryableWhileRedisIsDownAndStoredOnceAfter() {
		int redisPort = TestNodes.freePort();
		String password = "outage-" + System.nanoTime();
		EmbeddedRedisServer redis = EmbeddedRedisServer.start(this.redisDir, AppendFsync.ALWAYS, List.of(), redisPort,
				password);
		EmbeddedJdbcConnectionDetails postgres = RealEngines.get().isolated("redis-outage").postgres();
		ConfigurableApplicationContext app = new SpringApplicationBuilder(PorchlightApplication.class).run(
				"--server.port=0", "--porchlight.public-url=" + APP, "--spring.datasource.url=" + postgres.getJdbcUrl(),
				"--spring.datasource.username=" + postgres.getUsername(),
				"--spring.datasource.password=" + postgres.getPassword(),
				"--spring.datasource.hikari.maximum-pool-size=4",
				"--spring.data.redis.url=redis://:" + password + "@127.0.0.1:" + redisPort + "/0",
				"--spring.data.redis.timeout=1s", "--porchlight.owner.email=owner@shop.example",
				"--porchlight.owner.password=owner password 123");
		EmbeddedRedisServer restarted = null;
		try {
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
			app.getBean(Sites.class).add(site);
			String token = ApiClient.visitorToken(port, APP, site.key().value());
			ApiClient owner = new ApiClient(port);
			owner.signIn("owner@shop.example", "owner password 123");
			String staffSession = owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
			try (LiveTestClient visitor = LiveTestClient.visitor(port, APP, token)) {
				String conversation = visitor.startConversation();
				assertThat(visitor.sendAndAck(conversation, "before", "Before the outage")).isEqualTo(1);

				redis.close();
				// New sockets while Redis is away: a frame a script can read, then 1012
				// (reconnect with backoff), not an HTTP 500 that a browser shows as 1006.
				for (LiveClient opened : List.of(LiveClient.visitor(port, APP, token),
						LiveClient.staff(port, APP, staffSession))) {
					try (opened) {
						JsonNode answer = opened.next("error");
						assertThat(answer.path("code").asString()).isEqualTo("unavailable");
						assertThat(answer.path("retryAfterMs").asLong()).isPositive();
						assertThat(opened.awaitClose()).isEqualTo(1012);
						assertThat(opened.arrivals()).containsExactly("error");
					}
				}

				long started = System.nanoTime();
				visitor.send(LiveProtocolIntegrationTests.send(conversation, "during", "During the outage"));
				JsonNode refused = visitor.next("error");
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				assertThat(refused.path("code").asString()).isEqualTo("unavailable");
				assertThat(refused.path("retryAfterMs").asLong()).isPositive();
				assertThat(took).as("refused promptly, not left hanging").isLessThan(Duration.ofSeconds(5));
				assertThat(HttpProbe.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
				assertThat(HttpProbe.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);

				restarted = EmbeddedRedisServer.start(this.redisDir, AppendFsync.ALWAYS, List.of(), redisPort,
						password);
				// The client resends the same frame (same client id) until it is
				// acknowledged.
				JsonNode ack = await("acknowledged once Redis is back").atMost(Duration.ofSeconds(20))
					.pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(500))
					.until(() -> {
						visitor.send(LiveProtocolIntegrationTests.send(conversation, "during", "During the outage"));
						return visitor.next((frame) -> frame.path("type").asString().equals("ack")
								|| frame.path("type").asString().equals("error"), "an answer");
					}, (answer) -> answer.path("type").asString().equals("ack"));
				assertThat(ack.path("seq").asLong()).isEqualTo(2);
				try (LiveTestClient again = LiveTestClient.visitor(port, APP, token)) {
					assertThat(again.resumeBodies(conversation)).as("the log, each message once")
						.containsExactly("Before the outage", "During the outage");
				}
				await("ready again").atMost(Duration.ofSeconds(10))
					.until(() -> HttpProbe.get(port, "/actuator/health/readiness").statusCode() == 200);
			}
		}
		finally {
			app.close();
			if (restarted != null) {
				restarted.close();
			}
		}
	}

}
