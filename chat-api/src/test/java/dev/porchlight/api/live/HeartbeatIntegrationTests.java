package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heartbeats keep a socket alive; silence closes it with 4408. Metrics count sockets and
 * messages.
 */
@PorchlightTest(properties = { "porchlight.live.idle-timeout=2s", "porchlight.live.sweep-interval=200ms" })
class HeartbeatIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final Pattern OPEN_VISITOR_SOCKETS = Pattern
		.compile("porchlight_sockets_open\\{application=\"porchlight\",kind=\"visitor\"} [1-9]");

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Test
	void pingsKeepASocketOpenAndSilenceClosesItWith4408() throws Exception {
		String token = token();
		// Before the sockets exist: the node's idle clock starts when a socket opens, so
		// the time measured here is never shorter than the node's.
		long opened = System.nanoTime();
		try (LiveClient talking = LiveClient.visitor(this.port, APP, token);
				LiveClient silent = LiveClient.visitor(this.port, APP, token)) {
			talking.next("welcome");
			silent.next("welcome");
			// One socket pings every half second (a quarter of the idle timeout) until
			// the
			// other one is closed for its silence, however long the machine takes for
			// that.
			await("the silent socket closed").atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					talking.send(Map.of("type", "ping"));
					talking.next("pong");
					return silent.isClosed();
				});
			assertThat(silent.awaitClose()).isEqualTo(4408);
			assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("not before the idle timeout")
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(talking.isClosed()).as("the socket that pinged outlived the idle timeout").isFalse();
		}
	}

	@Test
	void metricsCountSocketsMessagesAndDeliveryLatency() {
		String token = token();
		// The first scrape is the slow one (the registry's meters are read cold); done
		// before the socket opens, it cannot use up the socket's 2 s of idle time.
		assertThat(new ApiClient(this.port).get("/actuator/prometheus").status()).isEqualTo(200);
		try (LiveClient visitor = LiveClient.visitor(this.port, APP, token)) {
			String conversation = LiveProtocolIntegrationTests.start(visitor);
			visitor.send(LiveProtocolIntegrationTests.send(conversation, "m1", "Counting"));
			visitor.next("event");
			// The socket pings before each scrape, so that the idle timeout of this class
			// (2 s) cannot close it while a slow machine answers the first, cold scrape.
			String metrics = await("the open socket counted").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> {
					visitor.send(Map.of("type", "ping"));
					visitor.next("pong");
					return new ApiClient(this.port).get("/actuator/prometheus").body();
				}, (scraped) -> OPEN_VISITOR_SOCKETS.matcher(scraped).find());
			assertThat(metrics).containsPattern(OPEN_VISITOR_SOCKETS)
				.contains("porchlight_messages_in_total")
				.contains("porchlight_messages_out_total")
				.contains("porchlight_delivery_latency_seconds_bucket");
		}
	}

	private String token() {
		return token(this.port, this.sites);
	}

	/** A visitor token for a new site, through the widget's session endpoint. */
	static String token(int port, Sites sites) {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		sites.add(site);
		return ApiClient.visitorToken(port, APP, site.key().value());
	}

}
