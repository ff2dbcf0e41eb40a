package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow and stalled clients, and a node going away: none of it may cost memory without
 * bound or lose anything a client can resume.
 */
// The send-time limit counts any pause of the whole process (a long GC on a busy CI
// machine) against the client being written to: 5 s, so that the slow reader, which never
// stops, is never taken for a stalled one (with 2 s, a CI run once saw its connection
// cut).
@PorchlightTest(properties = { "porchlight.live.send-buffer-bytes=65536", "porchlight.live.send-time-limit=5s",
		"porchlight.live.staff-messages=100000", "porchlight.live.sweep-interval=200ms" })
class BackpressureIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	Connections connections;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	final List<LiveClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(LiveClient::close);
	}

	@Test
	void aClientThatStopsReadingIsDisconnectedWithinItsBufferAndCanResume() throws Exception {
		String token = visitorToken(this.port);
		LiveClient reader = track(LiveClient.visitor(this.port, APP, token));
		String conversation = LiveProtocolIntegrationTests.start(reader);
		reader.close();
		LiveClient stalled = track(LiveClient.stalledVisitor(this.port, APP, token));
		stalled.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		awaitVisitorSockets(1);

		LiveClient staff = track(staff(this.port));
		staff.next("welcome");
		String body = "flood ".repeat(660);
		AtomicLong maxQueued = new AtomicLong();
		int sent = 0;
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (this.connections.count(true) > 0 && System.nanoTime() < deadline) {
			for (int i = 0; i < 50; i++) {
				staff.send(LiveProtocolIntegrationTests.send(conversation, "f" + sent, body));
				sent++;
			}
			for (int i = 0; i < 50; i++) {
				staff.next("ack");
			}
			this.connections.visitors()
				.forEach((connection) -> maxQueued.accumulateAndGet(connection.session().queued(), Math::max));
		}
		System.out.println("Stopped reader: cut off after " + sent + " messages");
		assertThat(this.connections.count(true)).as("the stalled socket was disconnected").isZero();
		assertThat(maxQueued.get()).as("what waited for the stalled client stayed within its buffer")
			.isLessThanOrEqualTo(65_536 + body.length() + 1_000);
		assertThat(this.meters.counter("porchlight.sockets.closed", "kind", "visitor", "code", "4500").count())
			.as("closed by the server as too slow")
			.isPositive();
		// The frozen tab wakes up: it reads what the network still held, then learns that
		// the socket ended. A client that read nothing at all may not get the close frame
		// (docs/protocol.md): when the server gave up writing to it, the connection is
		// broken (1006), which the JDK's client reports as an error (-1).
		stalled.resumeReading();
		assertThat(stalled.awaitClose()).isIn(4500, 1006, -1);

		// The visitor comes back and resumes: everything is there, once, in order.
		LiveClient back = track(LiveClient.visitor(this.port, APP, token));
		back.next("welcome");
		back.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		long expected = 1;
		for (int i = 0; i < sent; i++) {
			JsonNode event = back.next("event");
			assertThat(event.path("seq").asLong()).isEqualTo(expected++);
		}
		assertThat(back.next("synced").path("seq").asLong()).isEqualTo(sent);
	}

	@Test
	void aSlowReaderIsClosedWith4500AfterWhatWasQueuedForIt() {
		String token = visitorToken(this.port);
		LiveClient reader = track(LiveClient.visitor(this.port, APP, token));
		String conversation = LiveProtocolIntegrationTests.start(reader);
		reader.close();
		LiveClient slow = track(LiveClient.slowVisitor(this.port, APP, token, Duration.ofMillis(3)));
		slow.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		awaitVisitorSockets(1);

		LiveClient staff = track(staff(this.port));
		staff.next("welcome");
		String body = "flood ".repeat(660);
		int sent = 0;
		long started = System.nanoTime();
		long deadline = started + 60_000_000_000L;
		while (this.connections.count(true) > 0 && System.nanoTime() < deadline) {
			for (int i = 0; i < 50; i++) {
				staff.send(LiveProtocolIntegrationTests.send(conversation, "s" + sent, body));
				sent++;
			}
			for (int i = 0; i < 50; i++) {
				staff.next("ack");
			}
		}
		assertThat(this.connections.count(true)).as("the slow socket was disconnected").isZero();
		long cut = System.nanoTime();
		// It goes on reading (at full speed now: seconds of frames sit in the kernel's
		// buffers): what was written before the close, then the close.
		slow.resumeReading();
		assertThat(slow.awaitClose()).isEqualTo(4500);
		System.out.printf(
				"Slow reader (3 ms per frame): cut off after %d messages in %d ms, read %d frames, then 4500 %d ms later%n",
				sent, (cut - started) / 1_000_000, slow.arrivals().size(), (System.nanoTime() - cut) / 1_000_000);
		assertThat(slow.arrivals()).first().isEqualTo("welcome");
		assertThat(slow.arrivals().size()).isLessThan(sent);
	}

	@Test
	void aNodeShuttingDownTellsItsClientsToReconnectElsewhere() {
		ConfigurableApplicationContext node = TestNodes.start(this.postgres, this.redis, "--server.port=0",
				"--porchlight.public-url=" + APP, "--porchlight.owner.email=owner@shop.example",
				"--porchlight.owner.password=owner password 123");
		int nodePort = node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		String token = visitorToken(nodePort);
		LiveClient visitor = track(LiveClient.visitor(nodePort, APP, token));
		String conversation = LiveProtocolIntegrationTests.start(visitor);
		visitor.send(LiveProtocolIntegrationTests.send(conversation, "before", "Before the restart"));
		visitor.next("ack");
		node.close();
		assertThat(visitor.next("reconnect").path("reason").asString()).isEqualTo("shutdown");
		assertThat(visitor.awaitClose()).isEqualTo(1012);

		// Another node serves the same visitor and conversation.
		LiveClient elsewhere = track(LiveClient.visitor(this.port, APP, token));
		elsewhere.next("welcome");
		elsewhere.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		assertThat(elsewhere.next("event").path("message").path("body").asString()).isEqualTo("Before the restart");
	}

	private void awaitVisitorSockets(long count) {
		await("%d visitor sockets open".formatted(count)).atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.connections.count(true) == count);
	}

	private String visitorToken(int port) {
		Site site = this.sites.all().stream().findFirst().orElseGet(() -> {
			Site created = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
			this.sites.add(created);
			return created;
		});
		return ApiClient.visitorToken(port, APP, site.key().value());
	}

	private LiveClient staff(int port) {
		ApiClient owner = new ApiClient(port);
		owner.signIn("owner@shop.example", "owner password 123");
		return LiveClient.staff(port, APP, owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
	}

	private LiveClient track(LiveClient client) {
		this.clients.add(client);
		return client;
	}

}
