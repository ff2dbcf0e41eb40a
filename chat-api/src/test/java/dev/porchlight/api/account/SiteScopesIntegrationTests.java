package dev.porchlight.api.account;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent limited to site X sees and touches nothing of site Y: every REST path about Y
 * answers 404 (as for an id that does not exist, so ids cannot be probed), lists and
 * searches leave Y out, and the staff socket never carries an event of Y, neither in the
 * inbox nor typing, read markers or visitor presence. The owner sees both.
 */
@PorchlightTest
class SiteScopesIntegrationTests {

	static final String APP = PorchlightTest.APP;

	@LocalServerPort
	int port;

	ApiClient owner;

	ApiClient agent;

	String agentId;

	String x;

	String y;

	final List<LiveTestClient> sockets = new ArrayList<>();

	@BeforeEach
	void twoSitesAndAnAgentOfTheFirst() {
		this.owner = new ApiClient(this.port);
		this.owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
		this.x = this.owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Storefront X"))).text("/id");
		this.y = this.owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Storefront Y"))).text("/id");
		String email = "seasonal" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = this.owner.post("/api/v1/accounts", ApiClient
			.json(Map.of("email", email, "displayName", "Sam", "role", "AGENT", "sites", List.of(this.x))));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().at("/account/sites").toString()).isEqualTo("[\"" + this.x + "\"]");
		this.agentId = created.text("/account/id");
		this.agent = new ApiClient(this.port);
		this.agent.signIn(email, created.text("/oneTimePassword"));
		assertThat(this.agent
			.post("/api/v1/me/password", ApiClient.json(Map.of("currentPassword", created.text("/oneTimePassword"),
					"newPassword", "sam's own long password")))
			.status()).isEqualTo(200);
	}

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(LiveTestClient::close);
	}

	@Test
	void everyRestPathAboutAnotherSiteAnswers404AndListsLeaveItOut() {
		Story ofX = story(this.x, "x-visitor@example.com", "Do you ship rings?");
		Story ofY = story(this.y, "y-visitor@example.com", "Do you sell kettles?");
		// Tags and notes exist on both, written by the owner.
		for (Story story : List.of(ofX, ofY)) {
			assertThat(this.owner.put("/api/v1/conversations/" + story.conversation() + "/tags/vip").status())
				.isEqualTo(200);
			assertThat(this.owner
				.post("/api/v1/customers/" + story.customer() + "/notes", ApiClient.json(Map.of("body", "regular")))
				.status()).isEqualTo(200);
		}

		String c = "/api/v1/conversations/" + ofY.conversation();
		String u = "/api/v1/customers/" + ofY.customer();
		List<ApiClient.Response> refused = List.of(this.agent.get("/api/v1/sites/" + this.y), this.agent.get(c),
				this.agent.get(c + "/tags"), this.agent.put(c + "/tags/mine"), this.agent.delete(c + "/tags/vip"),
				this.agent.get(c + "/notes"), this.agent.post(c + "/notes", ApiClient.json(Map.of("body", "hi"))),
				this.agent.get(c + "/export?format=csv"), this.agent.get(u),
				this.agent.patch(u, ApiClient.json(Map.of("name", "Changed"))), this.agent.get(u + "/tags"),
				this.agent.put(u + "/tags/mine"), this.agent.delete(u + "/tags/vip"), this.agent.get(u + "/notes"),
				this.agent.post(u + "/notes", ApiClient.json(Map.of("body", "hi"))), this.agent.get(u + "/export"),
				this.agent.post(u + "/merge", ApiClient.json(Map.of("into", ofX.customer()))),
				this.agent.post("/api/v1/customers/" + ofX.customer() + "/merge",
						ApiClient.json(Map.of("into", ofY.customer()))),
				this.agent.delete(u));
		assertThat(refused).allSatisfy((response) -> {
			assertThat(response.status()).as(response.raw().request().method() + " " + response.raw().uri())
				.isEqualTo(404);
			assertThat(response.text("/error")).isEqualTo("not_found");
		});

		// Their own site's resources are theirs.
		assertThat(this.agent.get("/api/v1/conversations/" + ofX.conversation()).status()).isEqualTo(200);
		assertThat(this.agent.get("/api/v1/customers/" + ofX.customer()).status()).isEqualTo(200);
		assertThat(this.agent.get("/api/v1/customers/" + ofX.customer() + "/export").status()).isEqualTo(200);
		assertThat(this.agent.get("/api/v1/sites").json().findValuesAsString("id")).containsExactly(this.x);
		// Nothing of Y changed, and the owner still sees everything.
		assertThat(this.owner.get(u).text("/name")).isNotEqualTo("Changed");
		assertThat(this.owner.get(c + "/tags").json().toString()).isEqualTo("[\"vip\"]");
		assertThat(this.owner.get("/api/v1/sites").json().findValuesAsString("id")).contains(this.x, this.y);

		// Lists and searches: X only for the agent, both for the owner.
		await("both conversations archived").atMost(Duration.ofSeconds(20))
			.until(() -> this.owner.get("/api/v1/conversations?limit=100")
				.json()
				.path("results")
				.findValuesAsString("conversationId")
				.containsAll(List.of(ofX.conversation(), ofY.conversation())));
		assertThat(this.agent.get("/api/v1/conversations?limit=100")
			.json()
			.path("results")
			.findValuesAsString("conversationId")).contains(ofX.conversation()).doesNotContain(ofY.conversation());
		await("the messages searchable").atMost(Duration.ofSeconds(20))
			.until(() -> this.owner.get("/api/v1/search/conversations?q=kettles")
				.json()
				.path("results")
				.findValuesAsString("conversationId")
				.contains(ofY.conversation()));
		assertThat(this.agent.get("/api/v1/search/conversations?q=kettles").json().path("results").size()).isZero();
		assertThat(
				this.agent.get("/api/v1/search/conversations?q=kettles&site=" + this.y).json().path("results").size())
			.isZero();
		assertThat(this.agent.get("/api/v1/search/conversations?q=rings")
			.json()
			.path("results")
			.findValuesAsString("conversationId")).containsExactly(ofX.conversation());
		assertThat(this.agent.get("/api/v1/search/customers?q=example.com&limit=100").json().findValuesAsString("id"))
			.contains(ofX.customer())
			.doesNotContain(ofY.customer());
		assertThat(this.owner.get("/api/v1/search/customers?q=example.com&limit=100").json().findValuesAsString("id"))
			.contains(ofX.customer(), ofY.customer());
	}

	/**
	 * A customer of both sites: the agent of X sees them, but may not change details that
	 * reach Y's staff and emails (a changed email would receive the replies of Y's
	 * conversations), as they may not merge or erase them.
	 */
	@Test
	void anAgentCannotEditACustomerWhoAlsoBelongsToAnotherSite() {
		Story ofX = story(this.x, "x-shared@example.com", "Rings?");
		Story ofY = story(this.y, "y-shared@example.com", "Kettles?");
		assertThat(this.owner
			.post("/api/v1/conversations/" + ofY.conversation() + "/customer",
					ApiClient.json(Map.of("customerId", ofX.customer())))
			.status()).isEqualTo(200);
		String shared = "/api/v1/customers/" + ofX.customer();
		assertThat(this.agent.get("/api/v1/me").status()).isEqualTo(200);
		assertThat(this.agent.get(shared).status()).isEqualTo(200);
		ApiClient.Response refused = this.agent.patch(shared,
				ApiClient.json(Map.of("email", "someone-else@example.org")));
		assertThat(refused.status()).as(refused.raw().body()).isEqualTo(403);
		assertThat(refused.text("/error")).isEqualTo("forbidden");
		assertThat(this.owner.get(shared).text("/email")).isEqualTo("x-shared@example.com");
		// A customer of X alone is the agent's to edit; the owner edits any.
		Story onlyX = story(this.x, "x-only@example.com", "Necklaces?");
		assertThat(this.agent.patch("/api/v1/customers/" + onlyX.customer(), ApiClient.json(Map.of("name", "Ines")))
			.status()).isEqualTo(200);
		assertThat(this.owner.patch(shared, ApiClient.json(Map.of("name", "Shared"))).status()).isEqualTo(200);
	}

	@Test
	void aCustomerLeftByARelinkedConversationStaysWithItsSite() {
		Story ofY = story(this.y, "y-relinked@example.com", "Where is my teapot?");
		String conversation = "/api/v1/conversations/" + ofY.conversation() + "/customer";
		// The agent of X can neither link Y's conversation nor link to Y's customer.
		// A request first, as the dashboard makes: the password change renewed the
		// session, and with it the CSRF token.
		assertThat(this.agent.get("/api/v1/me").status()).isEqualTo(200);
		ApiClient.Response refused = this.agent.post(conversation, ApiClient.json(Map.of("email", "new@example.com")));
		assertThat(refused.status()).as(refused.raw().body()).isEqualTo(404);
		Story ofX = story(this.x, "x-linking@example.com", "Rings?");
		assertThat(this.agent
			.post("/api/v1/conversations/" + ofX.conversation() + "/customer",
					ApiClient.json(Map.of("customerId", ofY.customer())))
			.status()).isEqualTo(404);

		// The owner links Y's conversation to a new customer, then moves it on to
		// another: the first has no conversation left, yet stays a customer of Y, out
		// of the agent's sight.
		ApiClient.Response first = this.owner.post(conversation,
				ApiClient.json(Map.of("email", "y-first@example.com", "name", "First")));
		assertThat(first.status()).isEqualTo(200);
		String moved = first.text("/id");
		assertThat(this.owner.post(conversation, ApiClient.json(Map.of("email", "y-second@example.com"))).status())
			.isEqualTo(200);
		assertThat(this.agent.get("/api/v1/customers/" + moved).status()).isEqualTo(404);
		assertThat(this.agent.get("/api/v1/search/customers?q=y-first@example.com&limit=100")
			.json()
			.findValuesAsString("id")).doesNotContain(moved);
		assertThat(this.owner.get("/api/v1/customers/" + moved).status()).isEqualTo(200);
		assertThat(this.owner.get("/api/v1/search/customers?q=y-first@example.com&limit=100")
			.json()
			.findValuesAsString("id")).contains(moved);
	}

	@Test
	void theStaffSocketNeverCarriesAnEventOfAnotherSite() {
		LiveTestClient agentSocket = track(
				LiveTestClient.staff(this.port, APP, this.agent.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		LiveTestClient ownerSocket = track(
				LiveTestClient.staff(this.port, APP, this.owner.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		agentSocket.next("welcome");
		ownerSocket.next("welcome");

		// The same things happen on both sites: a new conversation, a message, typing, a
		// read marker, a page, the visitor leaving.
		Map<String, String> conversations = new java.util.HashMap<>();
		Map<String, String> visitors = new java.util.HashMap<>();
		for (String site : List.of(this.y, this.x)) {
			ApiClient.Response session = visitorSession(site);
			visitors.put(site, session.text("/visitorId"));
			try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, session.text("/token"))) {
				String conversation = visitor.startConversation();
				conversations.put(site, conversation);
				visitor.sendAndAck(conversation, "m1", "Hello from " + site);
				visitor.send(Map.of("type", "typing", "conversationId", conversation, "typing", true));
				visitor.send(Map.of("type", "read", "conversationId", conversation, "seq", 1));
				visitor.next("read_ok");
				visitor.send(Map.of("type", "page", "url", "https://shop.example/kettles", "title", "Kettles"));
				// The owner's socket has seen it all before the visitor leaves.
				ownerSocket.next(
						(frame) -> frame.path("type").asString().equals("visitor") && frame.path("online").asBoolean(),
						"the visitor's page");
			}
			ownerSocket.next(
					(frame) -> frame.path("type").asString().equals("visitor") && !frame.path("online").asBoolean(),
					"the visitor leaving");
		}
		String ofX = conversations.get(this.x);
		String ofY = conversations.get(this.y);

		List<JsonNode> agentFrames = new ArrayList<>();
		agentFrames.addAll(agentSocket.drain());
		// Everything about X arrived; nothing about Y.
		await("the agent's socket heard site X").atMost(Duration.ofSeconds(10)).until(() -> {
			agentFrames.addAll(agentSocket.drain());
			return agentFrames.stream()
				.anyMatch((frame) -> frame.path("type").asString().equals("visitor")
						&& !frame.path("online").asBoolean());
		});
		agentFrames.addAll(agentSocket.drain());
		assertThat(agentFrames).extracting((frame) -> frame.path("type").asString())
			.contains("inbox", "typing", "read", "visitor");
		assertThat(agentFrames).allSatisfy((frame) -> assertThat(frame.toString()).doesNotContain(ofY)
			.doesNotContain(visitors.get(this.y))
			.doesNotContain(this.y));

		// Asking for Y's conversation answers as for one that does not exist.
		agentSocket.send(Map.of("type", "subscribe", "conversationId", ofY, "ref", "s"));
		assertThat(agentSocket.next("error").path("code").asString()).isEqualTo("not_found");
		agentSocket.send(Map.of("type", "assign", "conversationId", ofY, "accountId", this.agentId, "ref", "a"));
		assertThat(agentSocket.next("error").path("code").asString()).isEqualTo("not_found");
		agentSocket.send(Map.of("type", "conversations", "ref", "c"));
		JsonNode inbox = agentSocket.next("conversations");
		assertThat(inbox.path("conversations").findValuesAsString("id")).contains(ofX).doesNotContain(ofY);
		// Y's conversation cannot be given to the agent of X, even by the owner.
		ownerSocket.send(Map.of("type", "assign", "conversationId", ofY, "accountId", this.agentId, "ref", "o"));
		assertThat(ownerSocket.next("error").path("code").asString()).isEqualTo("invalid_field");
		ownerSocket.send(Map.of("type", "conversations", "ref", "oc"));
		assertThat(ownerSocket.next("conversations").path("conversations").findValuesAsString("id")).contains(ofX, ofY);

		// A new welcome (after a reconnect) shows X only.
		try (LiveTestClient again = LiveTestClient.staff(this.port, APP,
				this.agent.cookie("PORCHLIGHT_SESSION").orElseThrow())) {
			assertThat(again.next("welcome").path("conversations").findValuesAsString("id")).contains(ofX)
				.doesNotContain(ofY);
		}
	}

	@Test
	void anAccountRefusedForItsSitesIsNotCreatedSoTheSameRequestCanBeCorrected() {
		String email = "refused" + System.nanoTime() + "@shop.example";
		ApiClient.Response unknownSite = this.owner.post("/api/v1/accounts", ApiClient.json(Map.of("email", email,
				"displayName", "Robin", "role", "AGENT", "sites", List.of(java.util.UUID.randomUUID().toString()))));
		assertThat(unknownSite.status()).isEqualTo(400);
		assertThat(unknownSite.text("/error")).isEqualTo("invalid_sites");
		// Not a site id at all, or one too long to be one: the same answer.
		for (String bad : List.of("not-a-site", "x".repeat(40))) {
			ApiClient.Response malformed = this.owner.post("/api/v1/accounts", ApiClient
				.json(Map.of("email", email, "displayName", "Robin", "role", "AGENT", "sites", List.of(bad))));
			assertThat(malformed.status()).as(bad).isEqualTo(400);
			assertThat(malformed.text("/error")).as(bad).isEqualTo("invalid_sites");
		}
		ApiClient.Response scopedOwner = this.owner.post("/api/v1/accounts", ApiClient
			.json(Map.of("email", email, "displayName", "Robin", "role", "OWNER", "sites", List.of(this.x))));
		assertThat(scopedOwner.status()).isEqualTo(400);
		assertThat(scopedOwner.text("/error")).isEqualTo("invalid_sites");
		assertThat(this.owner.get("/api/v1/accounts").json().findValuesAsString("email")).doesNotContain(email);

		ApiClient.Response corrected = this.owner.post("/api/v1/accounts", ApiClient
			.json(Map.of("email", email, "displayName", "Robin", "role", "AGENT", "sites", List.of(this.y))));
		assertThat(corrected.status()).isEqualTo(201);
		assertThat(corrected.json().at("/account/sites").toString()).isEqualTo("[\"" + this.y + "\"]");
		assertThat(corrected.text("/oneTimePassword")).isNotBlank();
	}

	@Test
	void changingAnAgentsSitesEndsTheirSessionsSoTheNewScopeHoldsAtOnce() {
		LiveTestClient agentSocket = track(
				LiveTestClient.staff(this.port, APP, this.agent.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		agentSocket.next("welcome");
		ApiClient.Response changed = this.owner.put("/api/v1/accounts/" + this.agentId + "/sites",
				ApiClient.json(Map.of("sites", List.of(this.x, this.y))));
		assertThat(changed.status()).isEqualTo(200);
		assertThat(changed.json().path("sites").size()).isEqualTo(2);
		await("the agent's socket closed").atMost(Duration.ofSeconds(10)).until(agentSocket::isClosed);
		assertThat(this.agent.get("/api/v1/me").status()).isEqualTo(401);

		ApiClient.Response all = this.owner.put("/api/v1/accounts/" + this.agentId + "/sites", "{\"sites\":null}");
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.json().path("sites").isNull()).isTrue();
		String ownerId = this.owner.get("/api/v1/me").text("/id");
		ApiClient.Response ownerScoped = this.owner.put("/api/v1/accounts/" + ownerId + "/sites",
				ApiClient.json(Map.of("sites", List.of(this.x))));
		assertThat(ownerScoped.status()).isEqualTo(400);
		assertThat(ownerScoped.text("/error")).isEqualTo("invalid_sites");
		ApiClient.Response unknown = this.owner.put("/api/v1/accounts/" + this.agentId + "/sites",
				ApiClient.json(Map.of("sites", List.of(java.util.UUID.randomUUID().toString()))));
		assertThat(unknown.text("/error")).isEqualTo("invalid_sites");
		assertThat(this.agent.put("/api/v1/accounts/" + this.agentId + "/sites", "{\"sites\":null}").status())
			.as("only owners choose")
			.isIn(401, 403);
	}

	/**
	 * A conversation on a site by a visitor who left their email (so the customer record
	 * belongs to that site).
	 */
	private Story story(String site, String email, String said) {
		ApiClient.Response session = visitorSession(site);
		String token = session.text("/token");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + token);
		assertThat(visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", email))).status())
			.isEqualTo(204);
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, token)) {
			String conversation = socket.startConversation();
			socket.sendAndAck(conversation, "m1", said);
			String customer = await("the conversation's customer").atMost(Duration.ofSeconds(10))
				.until(() -> this.owner.get("/api/v1/conversations/" + conversation).text("/conversation/customerId"),
						(id) -> id != null);
			return new Story(conversation, customer);
		}
	}

	private ApiClient.Response visitorSession(String site) {
		String key = this.owner.get("/api/v1/sites/" + site).text("/siteKey");
		ApiClient.Response session = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", key)));
		assertThat(session.status()).isEqualTo(200);
		return session;
	}

	private LiveTestClient track(LiveTestClient socket) {
		this.sockets.add(socket);
		return socket;
	}

	record Story(String conversation, String customer) {
	}

}
