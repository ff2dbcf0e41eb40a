package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * Two application instances on one Redis and one PostgreSQL, with no stickiness: the
 * visitor talks to one node, the owner to the other.
 */
@PorchlightTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeIntegrationTests {

	static final String PUBLIC_URL = "porchlight.public-url=https://chat.porchlight.example";

	static final String OWNER_EMAIL = "porchlight.owner.email=owner@shop.example";

	static final String OWNER_PASSWORD = "porchlight.owner.password=owner password 123";

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int nodeA;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	@Autowired
	Sites sites;

	ConfigurableApplicationContext secondNode;

	int nodeB;

	final List<LiveClient> clients = new ArrayList<>();

	@BeforeAll
	void startTheSecondNode() {
		this.secondNode = TestNodes.start(this.postgres, this.redis, "--server.port=0", "--" + PUBLIC_URL,
				"--" + OWNER_EMAIL, "--" + OWNER_PASSWORD);
		this.nodeB = this.secondNode.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
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
	}

	@Test
	void aVisitorOnOneNodeAndTheOwnerOnTheOtherTalkNormally() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		LiveClient owner = track(staff(this.nodeA));
		owner.next("welcome");
		LiveClient ownerSecondTab = track(staff(this.nodeB));
		ownerSecondTab.next("welcome");
		String token = ApiClient.visitorToken(this.nodeB, APP, site.key().value());
		LiveClient visitor = track(LiveClient.visitor(this.nodeB, APP, token));
		String conversation = LiveProtocolIntegrationTests.start(visitor);

		// The inbox feed reaches dashboards on both nodes.
		for (LiveClient dashboard : List.of(owner, ownerSecondTab)) {
			dashboard.next(
					(frame) -> frame.path("type").asString().equals("inbox")
							&& frame.path("conversation").path("id").asString().equals(conversation),
					"the new conversation");
		}

		visitor.send(LiveProtocolIntegrationTests.send(conversation, "v1", "Hello from node B"));
		owner.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		assertThat(owner.next("event").path("message").path("body").asString()).isEqualTo("Hello from node B");

		owner.send(LiveProtocolIntegrationTests.send(conversation, "o1", "Hello from node A"));
		JsonNode reply = visitor.next(
				(frame) -> frame.path("type").asString().equals("event") && frame.path("seq").asLong() == 2,
				"the owner's reply");
		assertThat(reply.path("message").path("body").asString()).isEqualTo("Hello from node A");

		visitor.send(Map.of("type", "typing", "conversationId", conversation, "typing", true));
		assertThat(owner.next("typing").path("side").asString()).isEqualTo("visitor");
		owner.send(Map.of("type", "typing", "conversationId", conversation, "typing", true));
		assertThat(visitor.next("typing").path("side").asString()).isEqualTo("staff");

		visitor.send(Map.of("type", "read", "conversationId", conversation, "seq", 2));
		JsonNode read = owner.next("read");
		assertThat(read.path("side").asString()).isEqualTo("visitor");
		assertThat(read.path("seq").asLong()).isEqualTo(2);
		owner.send(Map.of("type", "read", "conversationId", conversation, "seq", 2));
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("read")
					&& frame.path("side").asString().equals("staff"), "the owner's read marker")
			.path("seq")
			.asLong()).isEqualTo(2);
		ownerSecondTab.next(
				(frame) -> frame.path("type").asString().equals("inbox")
						&& frame.path("conversation").path("readByStaff").asLong() == 2,
				"the read marker in the other tab");
	}

	/**
	 * A visitor with a tab on each node stays online for staff when one tab closes: the
	 * node that saw it close does not take its own sockets for all of the visitor's.
	 */
	@Test
	void aVisitorWithATabOnEachNodeStaysOnlineUntilTheLastTabCloses() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		LiveClient owner = track(staff(this.nodeA));
		owner.next("welcome");
		String token = ApiClient.visitorToken(this.nodeA, APP, site.key().value());
		LiveClient tabOnA = track(LiveClient.visitor(this.nodeA, APP, token));
		String visitorId = tabOnA.next("welcome").path("visitorId").asString();
		LiveClient tabOnB = track(LiveClient.visitor(this.nodeB, APP, token));
		assertThat(tabOnB.next("welcome").path("visitorId").asString()).isEqualTo(visitorId);
		tabOnB.send(Map.of("type", "page", "url", "https://shop.example/rings", "title", "Rings"));
		assertThat(presence(owner, visitorId).path("online").asBoolean()).isTrue();

		tabOnB.close();
		// Node B has handled the close (and published whatever it publishes) before tab A
		// says where it is: staff hear the two in that order.
		Connections onB = this.secondNode.getBean(Connections.class);
		await("node B handled the close").atMost(Duration.ofSeconds(20)).until(onB::settled);
		tabOnA.send(Map.of("type", "page", "url", "https://shop.example/necklaces", "title", "Necklaces"));
		JsonNode next = presence(owner, visitorId);
		assertThat(next.path("online").asBoolean()).as("the visitor is still on node A: %s", next).isTrue();
		assertThat(next.path("page").asString()).isEqualTo("https://shop.example/necklaces");

		tabOnA.close();
		assertThat(presence(owner, visitorId).path("online").asBoolean()).isFalse();
	}

	/**
	 * The owner on a laptop (node A) and a phone (node B): closing the phone leaves them
	 * available, so visitors are not told the shop is away.
	 */
	@Test
	void anOwnerOnTwoDevicesStaysAvailableWhenOneCloses() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		LiveClient laptop = track(staff(this.nodeA));
		laptop.next("welcome");
		LiveClient phone = track(staff(this.nodeB));
		phone.next("welcome");
		phone.close();
		Connections onB = this.secondNode.getBean(Connections.class);
		await("node B handled the close").atMost(Duration.ofSeconds(20)).until(onB::settled);
		// A visitor arriving now learns whether someone can answer.
		String token = ApiClient.visitorToken(this.nodeA, APP, site.key().value());
		LiveClient visitor = track(LiveClient.visitor(this.nodeA, APP, token));
		assertThat(visitor.next("welcome").path("staffAvailable").asBoolean()).as("the laptop is still connected")
			.isTrue();
	}

	private static JsonNode presence(LiveClient staff, String visitorId) {
		return staff.next((frame) -> frame.path("type").asString().equals("visitor")
				&& frame.path("visitorId").asString().equals(visitorId), "a visitor frame about " + visitorId);
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
