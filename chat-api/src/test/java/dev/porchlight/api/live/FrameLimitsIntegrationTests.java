package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client frame type has a limit (docs/protocol.md, "Limits"): a flood of any of
 * them gets {@code rate_limited} past its burst, every refusal counts against the
 * socket's error budget, and the socket is closed (1008) long before the flood ends. A
 * visitor's typing flood reaches staff as at most the documented number of frames.
 */
@PorchlightTest
class FrameLimitsIntegrationTests {

	static final String APP = PorchlightTest.APP;

	/** The flood issue 19 measured: 14,100 typing frames in 3 s from one visitor. */
	static final int TYPING_FLOOD = 14_100;

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	FrameLimits limits;

	Site site;

	final List<LiveClient> clients = new ArrayList<>();

	@BeforeEach
	void aSite() {
		this.site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(this.site);
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(LiveClient::close);
	}

	@Test
	void aTypingFloodReachesStaffAsAtMostTheTypingBurstAndClosesTheSocket() {
		LiveClient staff = staff();
		staff.next("welcome");
		LiveClient visitor = visitor();
		String conversation = ProtocolConformance.start(visitor);
		long started = System.nanoTime();
		int sent = flood(visitor, Map.of("type", "typing", "conversationId", conversation, "typing", true),
				TYPING_FLOOD);
		assertThat(visitor.awaitClose()).as("closed for abuse").isEqualTo(1008);
		// Until the close arrived: the server handled frames at most that long.
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		List<JsonNode> refusals = visitor.drain(Duration.ofMillis(200))
			.stream()
			.filter((frame) -> frame.path("type").asString().equals("error"))
			.toList();
		assertThat(refusals).isNotEmpty()
			.allSatisfy((error) -> assertThat(error.path("code").asString()).isEqualTo("rate_limited"))
			.allSatisfy((error) -> assertThat(error.path("retryAfterMs").asLong()).isPositive());
		// The first relayed frame is waited for, however slow the relay on a busy
		// machine; the rest follow it.
		staff.next("typing");
		long typingAtStaff = 1 + staff.drain(Duration.ofSeconds(1))
			.stream()
			.filter((frame) -> frame.path("type").asString().equals("typing"))
			.count();
		// docs/protocol.md: at most the burst, plus one per second the socket stays open;
		// the error budget closes it after 20 refusals.
		long allowed = this.limits.typingBurst()
				+ (long) Math.ceil(took.toMillis() / 60_000.0 * this.limits.typingPerMinute());
		System.out.printf(
				"Typing flood: %d of %d frames written, closed (1008) after %d ms, %d refusals, "
						+ "%d typing frames at a staff socket (at most %d allowed)%n",
				sent, TYPING_FLOOD, took.toMillis(), refusals.size(), typingAtStaff, allowed);
		assertThat(typingAtStaff).isPositive().isLessThanOrEqualTo(allowed);
		assertThat(refusals.size()).as("refusals before the close").isLessThanOrEqualTo(21);
	}

	@ParameterizedTest(name = "{0} from {1}")
	@CsvSource({ "read, visitor, read_ok", "page, visitor, visitor", "subscribe, visitor, synced",
			"unsubscribe, visitor, unsubscribed", "conversations, visitor, conversations", "ping, visitor, pong",
			"close, visitor, status_ok", "typing, staff, typing", "reopen, staff, status_ok",
			"assign, staff, assign_ok", "availability, staff, availability_ok", "read, staff, read_ok" })
	void aFloodOfAnyFrameTypeIsLimitedAndClosesTheSocket(String type, String role, String answer) {
		LiveClient watcher = staff();
		watcher.next("welcome");
		LiveClient owner = visitor();
		String conversation = ProtocolConformance.start(owner);
		LiveClient sender = role.equals("visitor") ? owner : staff();
		sender.next("welcome");
		Map<String, Object> frame = new HashMap<>();
		frame.put("type", type);
		frame.put("conversationId", conversation);
		switch (type) {
			case "read" -> frame.put("seq", 0);
			case "page" -> frame.put("url", "https://shop.example/rings");
			case "typing" -> frame.put("typing", true);
			case "assign" -> frame.put("accountId", null);
			case "availability" -> frame.put("available", true);
			default -> {
			}
		}
		long started = System.nanoTime();
		int sent = flood(sender, frame, 400);
		assertThat(sender.awaitClose()).as("closed for abuse").isEqualTo(1008);
		long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
		// What the flood got through: the sender's answers, or, for frames without one,
		// what the other side received.
		LiveClient receiver = (type.equals("page") || type.equals("typing")) ? (type.equals("page") ? watcher : owner)
				: sender;
		List<JsonNode> received = new ArrayList<>();
		if (receiver != sender) {
			// Relayed to another socket: the first is waited for, however slow the relay
			// on a busy machine (a sender's own answers all arrived before its close).
			received.add(receiver.next(answer));
		}
		received.addAll(receiver.drain(Duration.ofMillis(500)));
		long passed = received.stream().filter((each) -> each.path("type").asString().equals(answer)).count();
		long refused = (receiver == sender)
				? received.stream().filter((each) -> each.path("code").asString().equals("rate_limited")).count() : 21;
		FrameLimits.Kind kind = FrameLimits.kindOf(ClientFrame.decode(LiveClient.JSON.writeValueAsString(frame)));
		long allowed = this.limits.burst(kind) + (long) Math.ceil(tookMillis / 60_000.0 * this.limits.perMinute(kind));
		System.out.printf(
				"Flood of %s from a %s socket: %d written, closed after %d ms, %d answered (at most %d allowed)%n",
				type, role, sent, tookMillis, passed, allowed);
		assertThat(passed).isPositive().isLessThanOrEqualTo(allowed);
		assertThat(refused).as("refusals handled before the close").isBetween(1L, 21L);
	}

	/**
	 * Sends a frame as fast as the socket takes it, until the server closes it or the
	 * count is reached.
	 * @return how many were written
	 */
	private static int flood(LiveClient client, Map<String, Object> frame, int count) {
		String text = LiveClient.JSON.writeValueAsString(frame);
		int sent = 0;
		try {
			while (sent < count && !client.isClosed()) {
				client.sendRaw(text);
				sent++;
			}
		}
		catch (IllegalStateException closed) {
			// The server closed the socket under the flood.
		}
		return sent;
	}

	private LiveClient visitor() {
		ApiClient.Response started = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())));
		assertThat(started.status()).isEqualTo(200);
		return track(LiveClient.visitor(this.port, APP, started.text("/token")));
	}

	private LiveClient staff() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
		return track(LiveClient.staff(this.port, APP, owner.cookie("PORCHLIGHT_SESSION").orElseThrow()));
	}

	private LiveClient track(LiveClient client) {
		this.clients.add(client);
		return client;
	}

}
