package dev.porchlight.api.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.VisitorId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits per site and per address (security promise S12): many visitors, each from an
 * address of its own (behind a proxy that sends {@code X-Forwarded-For}) and each well
 * within the limits per visitor and per address, together meet the limit of their site,
 * on two nodes sharing one Redis, every visitor on the node after the previous one's. A
 * visitor of another site is not affected. Visitors of several sites behind one address
 * meet the limit of their address. The limits are small here; the window of the message
 * limits is a minute, so that none passes during a test.
 */
@PorchlightTest(properties = { SiteRateLimitIntegrationTests.FORWARDED, SiteRateLimitIntegrationTests.MESSAGES,
		SiteRateLimitIntegrationTests.WINDOW, SiteRateLimitIntegrationTests.CONVERSATIONS,
		SiteRateLimitIntegrationTests.SESSIONS, SiteRateLimitIntegrationTests.ADDRESS_MESSAGES })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiteRateLimitIntegrationTests {

	static final String FORWARDED = "server.forward-headers-strategy=native";

	static final String MESSAGES = "porchlight.live.site-messages=6";

	static final String WINDOW = "porchlight.live.message-window=1m";

	static final String CONVERSATIONS = "porchlight.live.conversations-per-site=4";

	static final String SESSIONS = "porchlight.visitor-sessions-per-site=6";

	static final String ADDRESS_MESSAGES = "porchlight.live.address-messages=5";

	static final String APP = PorchlightTest.APP;

	static final String SHOP = "https://shop.example";

	/** A fresh client address for every visitor (TEST-NET-3 and beyond). */
	static final AtomicInteger addresses = new AtomicInteger();

	@LocalServerPort
	int nodeA;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	@Autowired
	Sites sites;

	@Autowired
	LiveConversations live;

	ConfigurableApplicationContext secondNode;

	int nodeB;

	final AtomicInteger next = new AtomicInteger();

	final List<LiveClient> clients = new ArrayList<>();

	@BeforeAll
	void startTheSecondNode() {
		this.secondNode = TestNodes.start(this.postgres, this.redis, "--server.port=0",
				"--porchlight.public-url=" + APP, "--porchlight.owner.email=" + PorchlightTest.OWNER_EMAIL,
				"--porchlight.owner.password=" + PorchlightTest.OWNER_PASSWORD, "--" + FORWARDED, "--" + MESSAGES,
				"--" + WINDOW, "--" + CONVERSATIONS, "--" + SESSIONS, "--" + ADDRESS_MESSAGES);
		this.nodeB = TestNodes.port(this.secondNode);
	}

	@AfterAll
	void stopTheSecondNode() {
		if (this.secondNode != null) {
			this.secondNode.close();
		}
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(LiveClient::close);
		this.clients.clear();
	}

	@Test
	void visitorSessionsOfOneSiteAreLimitedWhateverTheAddresses() {
		Site site = site();
		for (int i = 0; i < 6; i++) {
			assertThat(session(site, nextPort(), nextAddress()).status()).as("session %d", i).isEqualTo(200);
		}
		ApiClient.Response refused = session(site, nextPort(), nextAddress());
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.text("/error")).isEqualTo("rate_limited");
		assertThat(refused.header("Retry-After")).isPresent();
		assertThat(session(site(), nextPort(), nextAddress()).status()).as("a visitor of another site").isEqualTo(200);
	}

	@Test
	void newConversationsOfOneSiteAreLimitedWhateverTheAddresses() {
		Site site = site();
		List<String> started = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			started.add(ProtocolConformance.start(visitor(site).socket()));
		}
		assertThat(started).doesNotHaveDuplicates();
		Visitor fifth = visitor(site);
		fifth.socket()
			.send(Map.of("type", "start", "ref", "s", "context",
					Map.of("url", "https://shop.example/rings", "title", "Rings", "locale", "en")));
		JsonNode refused = fifth.socket().next(this::answer, "started or error");
		assertThat(refused.path("type").asString()).isEqualTo("error");
		assertThat(refused.path("code").asString()).isEqualTo("rate_limited");
		assertThat(refused.path("retryAfterMs").asLong()).isPositive();
		assertThat(this.live.ofVisitor(fifth.id())).as("no conversation was started").isEmpty();
		assertThat(ProtocolConformance.start(visitor(site()).socket())).as("a visitor of another site").isNotBlank();
	}

	@Test
	void visitorMessagesOfOneSiteAreLimitedAcrossNodesAndRefusedOnesAreNotStored() {
		Site site = site();
		List<LiveClient> visitors = new ArrayList<>();
		List<String> conversations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			LiveClient visitor = visitor(site).socket();
			visitors.add(visitor);
			conversations.add(ProtocolConformance.start(visitor));
		}
		List<String> accepted = new ArrayList<>();
		List<String> refused = new ArrayList<>();
		// Three messages each, in turns, on alternating nodes: nine for a limit of six.
		sendInTurns(visitors, conversations, 3, "m", accepted, refused);
		assertThat(accepted).as("the site's six messages, counted together on both nodes")
			.containsExactly("0:m1", "1:m1", "2:m1", "0:m2", "1:m2", "2:m2");
		assertThat(refused).containsExactly("0:m3", "1:m3", "2:m3");
		for (int v = 0; v < visitors.size(); v++) {
			assertThat(this.live.after(ConversationId.parse(conversations.get(v)), 0, 100))
				.as("what conversation %d stored", v)
				.extracting((entry) -> entry.clientId().value())
				.containsExactly("m1", "m2");
		}
		LiveClient elsewhere = visitor(site()).socket();
		String conversation = ProtocolConformance.start(elsewhere);
		elsewhere.send(ProtocolConformance.send(conversation, "m1", "Hello from another shop"));
		assertThat(elsewhere.next("ack").path("seq").asLong()).as("a visitor of another site").isEqualTo(1);
	}

	/**
	 * Visitors behind one address, each with a token of their own and on sites of their
	 * own (so neither the limit per visitor nor the one per site is near), together meet
	 * the limit of their address, counted on both nodes; a refused message is not stored,
	 * and a visitor from another address is not affected.
	 */
	@Test
	void visitorMessagesFromOneAddressAreLimitedWhateverTheTokensAndSites() {
		String shared = nextAddress();
		List<LiveClient> visitors = new ArrayList<>();
		List<String> conversations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int port = nextPort();
			ApiClient.Response session = session(site(), port, shared);
			assertThat(session.status()).isEqualTo(200);
			LiveClient visitor = LiveClient.visitorFrom(port, APP, session.text("/token"), shared);
			this.clients.add(visitor);
			visitors.add(visitor);
			conversations.add(ProtocolConformance.start(visitor));
		}
		List<String> accepted = new ArrayList<>();
		List<String> refused = new ArrayList<>();
		// Two messages each, in turns: six for a limit of five.
		sendInTurns(visitors, conversations, 2, "a", accepted, refused);
		assertThat(accepted).containsExactly("0:a1", "1:a1", "2:a1", "0:a2", "1:a2");
		assertThat(refused).containsExactly("2:a2");
		assertThat(this.live.after(ConversationId.parse(conversations.get(2)), 0, 100))
			.extracting((entry) -> entry.clientId().value())
			.containsExactly("a1");
		LiveClient elsewhere = visitor(site()).socket();
		String conversation = ProtocolConformance.start(elsewhere);
		elsewhere.send(ProtocolConformance.send(conversation, "a1", "Hello from another address"));
		assertThat(elsewhere.next("ack").path("seq").asLong()).as("a visitor from another address").isEqualTo(1);
	}

	/**
	 * Each visitor sends one message per round into their conversation, in turns; every
	 * answer is an {@code ack} ({@code accepted}) or a {@code rate_limited} refusal with
	 * when to retry ({@code refused}), noted as {@code visitor:clientId}.
	 */
	private void sendInTurns(List<LiveClient> visitors, List<String> conversations, int rounds, String prefix,
			List<String> accepted, List<String> refused) {
		for (int round = 1; round <= rounds; round++) {
			for (int v = 0; v < visitors.size(); v++) {
				String clientId = prefix + round;
				visitors.get(v)
					.send(ProtocolConformance.send(conversations.get(v), clientId, "Hello " + round + " from " + v));
				JsonNode answer = visitors.get(v).next(this::answer, "ack or error");
				if (answer.path("type").asString().equals("ack")) {
					accepted.add(v + ":" + clientId);
				}
				else {
					assertThat(answer.path("code").asString()).isEqualTo("rate_limited");
					assertThat(answer.path("retryAfterMs").asLong()).isPositive();
					refused.add(v + ":" + clientId);
				}
			}
		}
	}

	private boolean answer(JsonNode frame) {
		String type = frame.path("type").asString();
		return type.equals("ack") || type.equals("started") || type.equals("error");
	}

	private Site site() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin(SHOP)), Instant.now());
		this.sites.add(site);
		return site;
	}

	/**
	 * A new visitor of the site from an address of its own, on the next node.
	 */
	private Visitor visitor(Site site) {
		int port = nextPort();
		String address = nextAddress();
		ApiClient.Response session = session(site, port, address);
		assertThat(session.status()).isEqualTo(200);
		LiveClient socket = LiveClient.visitorFrom(port, APP, session.text("/token"), address);
		this.clients.add(socket);
		return new Visitor(VisitorId.parse(session.text("/visitorId")), socket);
	}

	private ApiClient.Response session(Site site, int port, String address) {
		return new ApiClient(port).header("Origin", APP)
			.header("X-Forwarded-For", address)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", site.key().value())));
	}

	private int nextPort() {
		return (this.next.getAndIncrement() % 2 == 0) ? this.nodeA : this.nodeB;
	}

	private static String nextAddress() {
		int n = addresses.incrementAndGet();
		return "203.0." + (113 + n / 250) + "." + (1 + n % 250);
	}

	record Visitor(VisitorId id, LiveClient socket) {
	}

}
