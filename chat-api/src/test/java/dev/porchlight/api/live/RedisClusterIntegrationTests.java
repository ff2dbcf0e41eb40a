package dev.porchlight.api.live;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.testing.RealEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out: the whole protocol conformance suite against three nodes on a real
 * three-master Redis Cluster, every new client on the next node in turn. Every change to
 * a conversation is one Lua script over its {@code {c:ID}} keys, which Redis Cluster
 * refuses ({@code CROSSSLOT}) unless they share a slot: the suite passing here is the
 * proof that they do.
 */
class RedisClusterIntegrationTests extends ProtocolConformance {

	static final int NODES = 3;

	@TempDir
	static Path dir;

	static EmbeddedRedisCluster cluster;

	static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	static final AtomicInteger next = new AtomicInteger();

	@BeforeAll
	static void startClusterAndNodes() {
		cluster = EmbeddedRedisCluster.start(dir, 3);
		RealEngines.Isolated engines = RealEngines.get().isolated("redis-cluster");
		for (int i = 0; i < NODES; i++) {
			nodes.add(TestNodes.start(engines.postgres(), "--server.port=0", "--porchlight.embedded.enabled=false",
					"--porchlight.demo.enabled=false", "--porchlight.public-url=" + APP,
					"--porchlight.owner.email=owner@shop.example", "--porchlight.owner.password=owner password 123",
					"--porchlight.live.visitor-messages=40",
					// This class starts more conversations from one address than the
					// suite on one node.
					"--porchlight.live.conversations-per-address=1000", "--porchlight.live.sweep-interval=500ms",
					// More than the suite sends on one site (the flood stops at 40),
					// fewer
					// than the test of the site limit below.
					"--porchlight.live.site-messages=50", "--server.forward-headers-strategy=native",
					// A window longer than any test here takes on a slow machine, so
					// that each limit is reached within one window; the owner is one
					// staff member across every test, so their limit is out of the way.
					"--porchlight.live.message-window=1m", "--porchlight.live.staff-messages=100000",
					"--spring.data.redis.cluster.nodes=" + cluster.nodes(),
					"--spring.data.redis.password=" + cluster.password()));
		}
	}

	@AfterAll
	static void stop() {
		nodes.forEach(ConfigurableApplicationContext::close);
		if (cluster != null) {
			cluster.close();
		}
	}

	@Override
	int port() {
		return TestNodes.port(nodes.get(next.getAndIncrement() % NODES));
	}

	@Override
	Sites sites() {
		return nodes.get(0).getBean(Sites.class);
	}

	/**
	 * On a cluster, keyspace events stay on the master where the key lives, and a node
	 * listens to one master: an expired session may not be announced. The nodes' sweep
	 * notices anyway.
	 */
	@Test
	void aSessionThatVanishesWithoutAnyEventStillClosesItsSockets() {
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");
		String cookie = owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
		LiveClient socket = track(LiveClient.staff(port(), APP, cookie));
		socket.next("welcome");
		String key = "spring:session:sessions:"
				+ new String(Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
		long slot = cluster.onNode(0, (commands) -> commands.clusterKeyslot(key));
		int master = (int) (slot * cluster.size() / EmbeddedRedisCluster.SLOTS);
		List<String> events = new ArrayList<>();
		for (int i = 0; i < cluster.size(); i++) {
			events.add(cluster.onNode(i, (commands) -> commands.configGet("notify-keyspace-events"))
				.get("notify-keyspace-events"));
			cluster.onNode(i, (commands) -> commands.configSet("notify-keyspace-events", ""));
		}
		try {
			Long deleted = cluster.onNode(master, (commands) -> commands.del(key));
			assertThat(deleted).as("the session's key").isEqualTo(1L);
			assertThat(socket.awaitClose()).isEqualTo(4401);
		}
		finally {
			for (int i = 0; i < cluster.size(); i++) {
				String setting = events.get(i);
				cluster.onNode(i, (commands) -> commands.configSet("notify-keyspace-events", setting));
			}
		}
	}

	/**
	 * On a cluster the site's counter lives in a slot of its own, counted just before the
	 * append script: visitors on all three nodes share it all the same.
	 */
	@Test
	void visitorsOfOneSiteOnAllNodesShareItsMessageLimitAndRefusedMessagesAreNotStored() {
		List<LiveClient> visitors = new ArrayList<>();
		List<String> conversations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// Each from an address of its own, behind a proxy.
			String address = "198.51.100." + (next.get() % 200 + 1 + i);
			int port = port();
			String token = new ApiClient(port).header("Origin", APP)
				.header("X-Forwarded-For", address)
				.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())))
				.text("/token");
			LiveClient visitor = track(LiveClient.visitorFrom(port, APP, token, address));
			visitors.add(visitor);
			conversations.add(start(visitor));
		}
		long began = System.nanoTime();
		int accepted = 0;
		Map<String, Set<String>> refused = new HashMap<>();
		// 20 each, well within the visitor limit of 40; 60 for the site limit of 50.
		for (int round = 1; round <= 20; round++) {
			for (int v = 0; v < visitors.size(); v++) {
				visitors.get(v).send(send(conversations.get(v), "m" + round, "message " + round));
				JsonNode answer = visitors.get(v)
					.next((frame) -> frame.path("type").asString().equals("ack")
							|| frame.path("type").asString().equals("error"), "ack or error");
				if (answer.path("type").asString().equals("ack")) {
					accepted++;
				}
				else {
					assertThat(answer.path("code").asString()).isEqualTo("rate_limited");
					assertThat(answer.path("retryAfterMs").asLong()).isPositive();
					refused.computeIfAbsent(conversations.get(v), (key) -> new HashSet<>()).add("m" + round);
				}
			}
		}
		assertThat(Duration.ofNanos(System.nanoTime() - began)).as("all within one window of the limit")
			.isLessThan(Duration.ofMinutes(1));
		assertThat(refused).as("messages refused for the site's limit").isNotEmpty();
		assertThat(accepted).as("messages accepted, counted together by three nodes").isEqualTo(50);
		LiveConversations live = nodes.get(0).getBean(LiveConversations.class);
		refused.forEach((conversation, clientIds) -> assertThat(live.after(ConversationId.parse(conversation), 0, 100))
			.as("what conversation %s stored", conversation)
			.extracting((entry) -> entry.clientId().value())
			.doesNotContainAnyElementsOf(clientIds));
	}

	@Test
	void eachConversationLivesInOneSlotAndConversationsSpreadOverTheMasters() {
		Set<Integer> masters = new HashSet<>();
		List<LiveClient> visitors = List.of(visitor(newVisitor()), visitor(newVisitor()));
		for (int i = 0; i < 20; i++) {
			LiveClient visitor = visitors.get(i % visitors.size());
			String id = start(visitor);
			visitor.send(send(id, "m1", "Hello from conversation " + i));
			visitor.next("ack");
			List<String> keys = List.of("pl:{c:" + id + "}:meta", "pl:{c:" + id + "}:log", "pl:{c:" + id + "}:dedup");
			Set<Long> slots = new HashSet<>();
			keys.forEach((key) -> slots.add(cluster.onNode(0, (commands) -> commands.clusterKeyslot(key))));
			assertThat(slots).as("the slots of conversation %s's keys", id).hasSize(1);
			int master = (int) (slots.iterator().next() * cluster.size() / EmbeddedRedisCluster.SLOTS);
			Long present = cluster.onNode(master, (commands) -> commands.exists(keys.toArray(String[]::new)));
			assertThat(present).as("the keys are on the master that owns their slot").isEqualTo(3L);
			masters.add(master);
		}
		// 20 conversations all on one of three masters would have a chance of 3^-19.
		assertThat(masters).as("masters holding conversations").hasSizeGreaterThan(1);
	}

}
