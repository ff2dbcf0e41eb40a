package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.FuzzValues;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the WebSocket frame parser with frames mutated from valid ones (wrong types,
 * missing and extra fields, odd numbers, control characters, long and deep values, not
 * JSON at all), as a visitor and as staff. After every frame the socket must still answer
 * a ping; no frame may cause an {@code internal_error} or a server-side close. A fixed
 * seed (override with {@code -Dporchlight.fuzz.seed}) keeps a failure reproducible;
 * {@code -Dporchlight.fuzz.cases} sets how many frames each role sends.
 */
@PorchlightTest(properties = {
		// Every frame here is a protocol error on purpose: the abuse limit would close
		// the socket long before the fuzzing ends.
		"porchlight.live.errors-before-close=1000000", "porchlight.live.visitor-messages=1000000",
		"porchlight.live.staff-messages=1000000", "porchlight.live.conversations-per-visitor=1000000",
		"porchlight.live.conversations-per-address=1000000", "porchlight.live.site-messages=1000000",
		"porchlight.live.conversations-per-site=1000000" })
class FrameFuzzIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final long SEED = Long.getLong("porchlight.fuzz.seed", 20261123L);

	static final int CASES = Integer.getInteger("porchlight.fuzz.cases", 300);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> TYPES = List.of("ping", "start", "send", "subscribe", "unsubscribe", "typing",
			"read", "close", "reopen", "conversations", "page", "availability", "assign");

	private static final List<String> FIELDS = List.of("type", "ref", "conversationId", "clientId", "body", "afterSeq",
			"seq", "typing", "draft", "context", "url", "title", "available", "accountId");

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	final List<LiveClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(LiveClient::close);
	}

	@Test
	void noVisitorFrameBreaksTheServerOrTheSocket() {
		Site site = Site.create("Fuzz", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String token = ApiClient.visitorToken(this.port, APP, site.key().value());
		fuzz(() -> LiveClient.visitor(this.port, APP, token), SEED);
	}

	@Test
	void noStaffFrameBreaksTheServerOrTheSocket() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		String cookie = owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
		fuzz(() -> LiveClient.staff(this.port, APP, cookie), SEED + 1);
	}

	private void fuzz(java.util.function.Supplier<LiveClient> connect, long seed) {
		Random random = new Random(seed);
		LiveClient client = track(connect.get());
		String conversation = conversationOf(client);
		int closes = 0;
		int unsendable = 0;
		for (int i = 0; i < CASES; i++) {
			String frame = mutant(random, conversation);
			String ref = "probe-" + i;
			boolean answered = false;
			boolean sent = trySend(client, frame);
			if (!sent && !client.isClosed()) {
				// Not sendable at all (a lone surrogate cannot be UTF-8): no browser can
				// send it either.
				unsendable++;
				continue;
			}
			if (sent && trySend(client, "{\"type\":\"ping\",\"ref\":\"" + ref + "\"}")) {
				try {
					// Pings have a per-socket budget too (every frame type has a limit):
					// a
					// rate_limited answer to the probe is an answer as well.
					client.next(
							(node) -> node.path("ref").asString().equals(ref)
									&& (node.path("type").asString().equals("pong")
											|| node.path("code").asString().equals("rate_limited")),
							// Ends at once when the socket closed; a live one may be
							// slow.
							"the pong", Duration.ofSeconds(15));
					answered = true;
				}
				catch (AssertionError ex) {
					assertThat(client.isClosed())
						.as("the socket still answers after %s (seed %d)", abbreviated(frame), seed)
						.isTrue();
				}
			}
			for (JsonNode received : client.drain(Duration.ZERO)) {
				assertThat(received.path("code").asString(""))
					.as("answer to %s (seed %d): %s", abbreviated(frame), seed, received)
					.isNotEqualTo("internal_error");
				assertThat(received.toString()).doesNotContain("Exception").doesNotContain("\tat ");
			}
			if (!answered) {
				// Only the documented closes: abuse (1008) and an oversized frame (1009).
				assertThat(client.awaitClose()).as("close after %s (seed %d)", abbreviated(frame), seed)
					.isIn(1008, 1009);
				closes++;
				client = track(connect.get());
				conversation = conversationOf(client);
			}
		}
		System.out.printf(
				"Frame fuzzing: %d frames (seed %d), %d not encodable by a client, %d sockets closed as documented (1008/1009)%n",
				CASES, seed, unsendable, closes);
	}

	private String conversationOf(LiveClient client) {
		JsonNode welcome = client.next("welcome");
		if (welcome.path("role").asString().equals("visitor")) {
			return LiveProtocolIntegrationTests.start(client);
		}
		JsonNode first = welcome.path("conversations").path(0);
		return first.isMissingNode() ? java.util.UUID.randomUUID().toString() : first.path("id").asString();
	}

	/** A frame mutated from a valid one, or something that is not a frame at all. */
	static String mutant(Random random, String conversation) {
		int kind = random.nextInt(10);
		if (kind == 0) {
			return FuzzValues.garbage(random);
		}
		Map<String, Object> frame = new LinkedHashMap<>();
		frame.put("type", TYPES.get(random.nextInt(TYPES.size())));
		frame.put("ref", "r" + random.nextInt(1000));
		frame.put("conversationId", random.nextInt(4) == 0 ? FuzzValues.value(random, 0) : conversation);
		frame.put("clientId", "c" + random.nextInt(1_000_000));
		frame.put("body", "hello " + random.nextInt());
		frame.put("afterSeq", random.nextInt(5));
		frame.put("seq", random.nextInt(5));
		frame.put("typing", random.nextBoolean());
		int mutations = 1 + random.nextInt(4);
		for (int m = 0; m < mutations; m++) {
			String field = FIELDS.get(random.nextInt(FIELDS.size()));
			if (random.nextInt(4) == 0) {
				frame.remove(field);
			}
			else {
				frame.put(field, FuzzValues.value(random, 0));
			}
		}
		String text = JSON.writeValueAsString(frame);
		if (kind == 1 && text.length() > 2) {
			// Truncated in the middle.
			return text.substring(0, 1 + random.nextInt(text.length() - 1));
		}
		return text;
	}

	private static boolean trySend(LiveClient client, String text) {
		try {
			client.sendRaw(text);
			return true;
		}
		catch (RuntimeException closed) {
			return false;
		}
	}

	private static String abbreviated(String frame) {
		return (frame.length() > 200) ? frame.substring(0, 200) + "… (" + frame.length() + " characters)" : frame;
	}

	private LiveClient track(LiveClient client) {
		this.clients.add(client);
		return client;
	}

}
