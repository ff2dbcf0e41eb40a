package dev.porchlight.api.customer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customers end to end: identified by an email the visitor leaves or by the site's
 * signature, their story on their record, merged and erased with an audit trail.
 */
@PorchlightTest(properties = "porchlight.archive.interval=100ms")
class CustomerIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	AuditLog audit;

	@Autowired
	JdbcClient jdbc;

	Site site;

	ApiClient owner;

	@BeforeEach
	void setUp() {
		this.site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(this.site);
		this.owner = new ApiClient(this.port);
		this.owner.signIn("owner@shop.example", "owner password 123");
	}

	@Test
	void anEmailLeftBeforeTheFirstMessageAttachesTheConversationsThatFollow() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		assertThat(visitor
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "pre@example.com", "name", "Pre Chat")))
			.status()).isEqualTo(204);
		String conversation = chat(session.text("/token"), "Hello after the pre-chat form");
		JsonNode record = this.owner.get("/api/v1/customers/" + customerOf(conversation)).json();
		assertThat(record.path("email").asString()).isEqualTo("pre@example.com");
		// It tells the owner who wrote; it grants the visitor nothing.
		assertThat(visitor.get("/api/v1/visitor/me").json().path("customer").isNull()).isTrue();
	}

	@Test
	void anEmailLeftByAVisitorMakesACustomerWhoseRecordTellsTheirStory() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		String conversation = chat(session.text("/token"), "Do you ship to Norway?");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		assertThat(visitor
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "ingrid@example.no", "name", "Ingrid")))
			.status()).isEqualTo(204);
		String customer = customerOf(conversation);
		assertThat(customer).as("the conversation is attached to the new customer").isNotNull();
		JsonNode record = this.owner.get("/api/v1/customers/" + customer).json();
		assertThat(record.path("email").asString()).isEqualTo("ingrid@example.no");
		assertThat(record.path("conversations").toString()).contains(conversation);
		JsonNode transcript = this.owner.get("/api/v1/conversations/" + conversation).json();
		assertThat(transcript.path("entries").get(0).path("message").path("body").asString())
			.isEqualTo("Do you ship to Norway?");
		assertThat(transcript.path("conversation").path("customerId").asString()).isEqualTo(customer);
		// Leaving an email grants the visitor nothing.
		assertThat(visitor.get("/api/v1/visitor/me").json().path("customer").isNull()).isTrue();
	}

	@Test
	void typingSomebodyElsesEmailCreatesASeparateRecordAndOpensNothing() throws Exception {
		ApiClient.Response first = visitorSession(Map.of());
		String hers = chat(first.text("/token"), "My secret order 4711");
		new ApiClient(this.port).header("Authorization", "Bearer " + first.text("/token"))
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "vip@example.com")));
		ApiClient.Response impostor = visitorSession(Map.of());
		String his = chat(impostor.text("/token"), "Hello");
		new ApiClient(this.port).header("Authorization", "Bearer " + impostor.text("/token"))
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "VIP@example.com")));
		assertThat(customerOf(his)).isNotEqualTo(customerOf(hers));
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, impostor.text("/token"))) {
			assertThat(socket.resumeOrError(hers, 0)).isEqualTo("not_found");
		}
	}

	@Test
	void aVouchedIdentityAttachesConversationsToTheSitesCustomer() throws Exception {
		Map<String, Object> identity = Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-77", "ada@example.com", "Ada"));
		ApiClient.Response session = visitorSession(Map.of("identity", identity));
		String conversation = chat(session.text("/token"), "About my last order");
		String customer = customerOf(conversation);
		JsonNode record = this.owner.get("/api/v1/customers/" + customer).json();
		assertThat(record.path("name").asString()).isEqualTo("Ada");
		assertThat(record.path("externalIds").toString()).contains("user-77");
	}

	@Test
	void theRecordKeepsWhereTheCustomerWasAndStaffCanCreateCustomers() throws Exception {
		Map<String, Object> identity = Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-88", null, null));
		ApiClient.Response session = visitorSession(Map.of("identity", identity));
		String conversation = chat(session.text("/token"), "Hello");
		String customer = customerOf(conversation);
		JsonNode context = this.owner.get("/api/v1/customers/" + customer).json().path("visitContext");
		assertThat(context.path("pages").get(0).path("url").asString()).isEqualTo("https://shop.example/rings");
		assertThat(context.path("locale").asString()).isEqualTo("en");

		ApiClient.Response created = this.owner.post("/api/v1/customers",
				ApiClient.json(Map.of("name", "Walk-in Wanda", "phone", "+47 555 0100")));
		assertThat(created.status()).isEqualTo(201);
		assertThat(this.owner.get("/api/v1/customers/" + created.text("/id")).text("/name")).isEqualTo("Walk-in Wanda");
		assertThat(this.owner.post("/api/v1/customers", "{}").text("/error")).isEqualTo("invalid_customer");
		assertThat(this.audit.latest(10)).extracting((event) -> event.action()).contains("customer.created");
	}

	@Test
	void mergingMovesEverythingAndIsAudited() throws Exception {
		String first = customerWithConversation("one@example.com", "First conversation");
		String second = customerWithConversation("two@example.com", "Second conversation");
		ApiClient.Response merged = this.owner.post("/api/v1/customers/" + first + "/merge",
				ApiClient.json(Map.of("into", second)));
		assertThat(merged.status()).isEqualTo(200);
		assertThat(merged.json().path("conversationsMoved").asInt()).isEqualTo(1);
		assertThat(this.owner.get("/api/v1/customers/" + first).status()).isEqualTo(404);
		assertThat(this.owner.get("/api/v1/customers/" + second).json().path("conversations").size()).isEqualTo(2);
		assertThat(this.audit.latest(10)).anySatisfy((event) -> {
			assertThat(event.action()).isEqualTo("customer.merged");
			assertThat(event.target()).isEqualTo("customer:" + second);
			assertThat(event.details()).containsEntry("from", first).containsEntry("conversations", "1");
		});
		assertThat(this.owner.post("/api/v1/customers/" + second + "/merge", ApiClient.json(Map.of("into", second)))
			.text("/error")).isEqualTo("invalid_merge");
	}

	@Test
	void mergeAndEraseAlsoReachConversationsNotArchivedYet() throws Exception {
		String first = customerWithConversation("early@example.com", "Archived one");
		String second = customerWithConversation("target@example.com", "Other");
		// A visitor of the first customer starts a new conversation right before the
		// merge.
		String token = this.jdbc.sql("select id::text from visitor where customer_id = cast(? as uuid)")
			.param(first)
			.query(String.class)
			.single();
		assertThat(token).isNotNull();
		assertThat(this.owner.post("/api/v1/customers/" + first + "/merge", ApiClient.json(Map.of("into", second)))
			.status()).isEqualTo(200);
		assertThat(this.owner.delete("/api/v1/customers/" + second).status()).isEqualTo(200);
		assertThat(this.jdbc
			.sql("select count(*) from conversation where customer_id in (cast(? as uuid), cast(? as uuid))")
			.params(first, second)
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void aMergedRecordCannotBeRewrittenByTheVisitorWhoOnceTypedIt() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		String conversation = chat(session.text("/token"), "Hi, it's Bob");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "bob@example.com", "name", "Bob")));
		String typed = customerOf(conversation);
		String real = this.owner
			.post("/api/v1/customers", ApiClient.json(Map.of("name", "Robert", "email", "rob@example.com")))
			.text("/id");
		this.owner.post("/api/v1/customers/" + typed + "/merge", ApiClient.json(Map.of("into", real)));
		visitor.post("/api/v1/visitor/contact",
				ApiClient.json(Map.of("email", "mallory@example.com", "name", "Mallory")));
		JsonNode record = this.owner.get("/api/v1/customers/" + real).json();
		assertThat(record.path("name").asString()).isEqualTo("Robert");
		assertThat(record.path("email").asString()).isEqualTo("rob@example.com");
	}

	/**
	 * The other direction of a merge, and a link: once the owner made the visitor's typed
	 * record someone's (another record merged into it, or another visitor's conversation
	 * linked to it), the visitor who typed it may fill its gaps but no longer rewrite it,
	 * or replies of the conversations it now holds would go to the address they type.
	 */
	@Test
	void aRecordTheOwnerMadeSomeonesCannotBeRewrittenByTheVisitorWhoTypedIt() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		String conversation = chat(session.text("/token"), "Hi, it's Erin");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "erin@example.com")));
		String typed = customerOf(conversation);
		// Before anyone else's things are on it, the visitor may correct what they typed.
		visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "erin.k@example.com")));
		assertThat(this.owner.get("/api/v1/customers/" + typed).text("/email")).isEqualTo("erin.k@example.com");

		String other = this.owner.post("/api/v1/customers", ApiClient.json(Map.of("phone", "+48 600 100 200")))
			.text("/id");
		assertThat(this.owner.post("/api/v1/customers/" + other + "/merge", ApiClient.json(Map.of("into", typed)))
			.status()).isEqualTo(200);
		visitor.post("/api/v1/visitor/contact",
				ApiClient.json(Map.of("email", "mallory@example.com", "name", "Mallory")));
		JsonNode record = this.owner.get("/api/v1/customers/" + typed).json();
		assertThat(record.path("email").asString()).isEqualTo("erin.k@example.com");
		assertThat(record.path("phone").asString()).isEqualTo("+48 600 100 200");
		assertThat(record.path("name").asString()).as("a gap is filled").isEqualTo("Mallory");

		// A record another visitor's conversation was linked to is someone's too.
		ApiClient.Response second = visitorSession(Map.of());
		String theirs = chat(second.text("/token"), "Hi, it's Finn");
		ApiClient finn = new ApiClient(this.port).header("Authorization", "Bearer " + second.text("/token"));
		finn.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "finn@example.com")));
		String finnsRecord = customerOf(theirs);
		String third = chat(visitorSession(Map.of()).text("/token"), "Another visitor");
		assertThat(this.owner
			.post("/api/v1/conversations/" + third + "/customer", ApiClient.json(Map.of("customerId", finnsRecord)))
			.status()).isEqualTo(200);
		await("the link archived").atMost(Duration.ofSeconds(20))
			.until(() -> this.owner.get("/api/v1/customers/" + finnsRecord).json().path("conversations").toString(),
					(ids) -> ids.contains(third));
		finn.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "mallory@example.com")));
		assertThat(this.owner.get("/api/v1/customers/" + finnsRecord).text("/email")).isEqualTo("finn@example.com");
	}

	@Test
	void afterAMergeTheVisitorsPreChatLinkMovesSoTheirLaterConversationsGetTheSurvivingRecord() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "carla@example.com")));
		String typed = customerOf(chat(session.text("/token"), "First question"));
		String real = this.owner
			.post("/api/v1/customers", ApiClient.json(Map.of("name", "Carla Real", "email", "carla.r@example.com")))
			.text("/id");
		this.owner.post("/api/v1/customers/" + typed + "/merge", ApiClient.json(Map.of("into", real)));
		String later = chat(session.text("/token"), "A question after the merge");
		assertThat(customerOf(later)).isEqualTo(real);
		assertThat(this.owner.get("/api/v1/customers/" + real).json().path("conversations").toString()).contains(later);
	}

	@Test
	void aSignedInVisitorWhoseRecordWasMergedAwayStartsConversationsOnTheSurvivingRecord() throws Exception {
		Map<String, Object> identity = Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-91", "dora@example.com", null));
		ApiClient.Response session = visitorSession(Map.of("identity", identity));
		String token = session.text("/token");
		String vouched = customerOf(chat(token, "Signed in"));
		String survivor = this.owner.post("/api/v1/customers", ApiClient.json(Map.of("name", "Dora"))).text("/id");
		try (LiveTestClient before = LiveTestClient.visitor(this.port, APP, token)) {
			assertThat(
					this.owner.post("/api/v1/customers/" + vouched + "/merge", ApiClient.json(Map.of("into", survivor)))
						.status())
				.isEqualTo(200);
			// A socket opened before the merge, and one opened after it with the same
			// token (issued before the merge).
			String onOldSocket = before.startConversation();
			before.sendAndAck(onOldSocket, "m1", "On a socket from before the merge");
			String onNewSocket = chat(token, "On a socket from after the merge");
			assertThat(customerOf(onOldSocket)).isEqualTo(survivor);
			assertThat(customerOf(onNewSocket)).isEqualTo(survivor);
			assertThat(this.owner.get("/api/v1/conversations/" + onNewSocket)
				.json()
				.path("conversation")
				.path("customerId")
				.asString()).isEqualTo(survivor);
		}
		assertThat(new ApiClient(this.port).header("Authorization", "Bearer " + token)
			.get("/api/v1/visitor/me")
			.json()
			.path("customer")
			.path("name")
			.asString()).isEqualTo("Dora");
	}

	@Test
	void aWrongIdentitySignatureMakesAnUnverifiedRecordOfTheVisitorsOwnAndOpensNothing() throws Exception {
		Map<String, Object> real = Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-55", "eve@example.com", "Eve"));
		String eves = customerOf(chat(visitorSession(Map.of("identity", real)).text("/token"), "Eve's secret"));
		Map<String, Object> forged = Map.of("token",
				IdentityTokenFixture.token(IdentitySecret.generate(), "user-55", null, null), "email",
				"mallory@example.com", "name", "Mallory");
		ApiClient.Response session = visitorSession(Map.of("identity", forged));
		assertThat(session.text("/identity")).isEqualTo("unverified");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		assertThat(visitor.get("/api/v1/visitor/me").json().path("customer").isNull()).isTrue();
		String own = customerOf(chat(session.text("/token"), "Hello"));
		assertThat(own).isNotNull().isNotEqualTo(eves);
		JsonNode record = this.owner.get("/api/v1/customers/" + own).json();
		assertThat(record.path("email").asString()).isEqualTo("mallory@example.com");
		assertThat(record.path("name").asString()).isEqualTo("Mallory");
		assertThat(record.path("externalIds").size()).as("an unsigned id is never stored").isZero();
		assertThat(record.path("verifiedDetails").size()).as("what the page claimed is unverified").isZero();
		assertThat(this.owner.get("/api/v1/customers/" + eves).json().path("email").asString())
			.isEqualTo("eve@example.com");
	}

	@Test
	void unsignedDetailsThatCannotBeKeptAreDroppedAndNeverCostTheSession() {
		String forged = IdentityTokenFixture.token(IdentitySecret.generate(), "user-66", null, null);
		ApiClient.Response session = visitorSession(Map.of("identity",
				Map.of("token", forged, "email", "not an address", "name", "Mallory\u0007\u001b[2J")));
		assertThat(session.status()).as("control characters in an unsigned name").isEqualTo(200);
		assertThat(session.text("/identity")).isEqualTo("unverified");
		ApiClient.Response longName = visitorSession(Map.of("identity",
				Map.of("token", forged, "email", "kept@example.com", "name", "N".repeat(Customer.MAX_NAME + 1))));
		assertThat(longName.status()).as("a name too long for a record").isEqualTo(200);
		JsonNode record = this.owner.get("/api/v1/customers/" + customerOf(chat(longName.text("/token"), "Hi"))).json();
		assertThat(record.path("email").asString()).isEqualTo("kept@example.com");
		assertThat(record.path("name").asString("")).as("dropped, not cut").isEmpty();

		String signed = IdentityTokenFixture.token(this.site.identitySecret(), "user-67", null, null);
		ApiClient.Response verified = visitorSession(
				Map.of("identity", Map.of("token", signed, "name", "Ada\u0000", "email", "@")));
		assertThat(verified.text("/identity")).isEqualTo("verified");

		ApiClient.Response huge = visitorSession(Map.of("identity", Map.of("token", signed, "name", "N".repeat(2049))));
		assertThat(huge.status()).as("too long to read at all").isEqualTo(400);
		assertThat(huge.text("/error")).isEqualTo("invalid_identity_name");
	}

	@Test
	void anErasedCustomersVisitorTokensStopWorkingAtOnce() throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		String conversation = chat(session.text("/token"), "Forget me");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"));
		visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "forget@example.com")));
		String customer = customerOf(conversation);
		assertThat(visitor.get("/api/v1/visitor/me").status()).isEqualTo(200);
		this.owner.delete("/api/v1/customers/" + customer);
		assertThat(visitor.get("/api/v1/visitor/me").status()).isEqualTo(401);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> chat(session.text("/token"), "still here?"))
			.hasStackTraceContaining("401");
	}

	@Test
	void staffLinkAnAnonymousConversationToACustomerAndItJoinsTheirStory() {
		ApiClient.Response session = visitorSession(Map.of());
		String token = session.text("/token");
		String conversation = chat(token, "It's me, Grace - grace@example.com. Where is my order?");
		String grace = this.owner
			.post("/api/v1/customers", ApiClient.json(Map.of("name", "Grace Hopper", "email", "grace@example.com")))
			.text("/id");

		ApiClient.Response linked = this.owner.post("/api/v1/conversations/" + conversation + "/customer",
				ApiClient.json(Map.of("customerId", grace)));
		assertThat(linked.status()).isEqualTo(200);
		assertThat(linked.text("/id")).isEqualTo(grace);
		assertThat(this.owner.get("/api/v1/customers/" + grace).json().path("conversations").get(0).asString())
			.as("in Grace's story at once")
			.isEqualTo(conversation);
		assertThat(customerOf(conversation)).isEqualTo(grace);
		assertThat(this.audit.latest(5)).anySatisfy((event) -> {
			assertThat(event.action()).isEqualTo("conversation.linked");
			assertThat(event.target()).isEqualTo("conversation:" + conversation);
			assertThat(event.details()).containsEntry("customer", grace).containsEntry("created", "false");
		});
		// The visitor who wrote it keeps their conversation and gains nothing.
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + token);
		assertThat(visitor.get("/api/v1/visitor/me").json().path("customer").isNull()).isTrue();

		// Or to a new customer made from the email the visitor wrote.
		ApiClient.Response created = this.owner.post("/api/v1/conversations/" + conversation + "/customer",
				ApiClient.json(Map.of("email", "grace.h@example.com", "name", "Grace H.")));
		assertThat(created.status()).isEqualTo(200);
		String fresh = created.text("/id");
		assertThat(fresh).isNotEqualTo(grace);
		assertThat(this.owner.get("/api/v1/customers/" + fresh).json().path("conversations").get(0).asString())
			.isEqualTo(conversation);
		assertThat(this.owner.get("/api/v1/customers/" + grace).json().path("conversations")).isEmpty();

		// Bad requests say what is wrong.
		ApiClient.Response nothing = this.owner.post("/api/v1/conversations/" + conversation + "/customer",
				ApiClient.json(Map.of()));
		assertThat(nothing.status()).isEqualTo(400);
		assertThat(nothing.text("/error")).isEqualTo("invalid_email");
		assertThat(this.owner
			.post("/api/v1/conversations/" + conversation + "/customer",
					ApiClient.json(Map.of("email", "not an email")))
			.status()).isEqualTo(400);
		assertThat(this.owner
			.post("/api/v1/conversations/" + ConversationId.random() + "/customer",
					ApiClient.json(Map.of("customerId", grace)))
			.status()).isEqualTo(404);
		assertThat(this.owner
			.post("/api/v1/conversations/" + conversation + "/customer",
					ApiClient.json(Map.of("customerId", CustomerId.random().toString())))
			.status()).isEqualTo(404);
		assertThat(
				this.owner.post("/api/v1/conversations/not-an-id/customer", ApiClient.json(Map.of("customerId", grace)))
					.status())
			.isEqualTo(400);
	}

	@Test
	void erasingRemovesEveryTraceAndIsAudited() throws Exception {
		String customer = customerWithConversation("gone@example.com", "Please forget me, my phone is 555-0199");
		String conversation = this.owner.get("/api/v1/customers/" + customer)
			.json()
			.path("conversations")
			.get(0)
			.asString();
		assertThat(this.owner.delete("/api/v1/customers/" + customer).json().path("conversationsErased").asInt())
			.isEqualTo(1);
		assertThat(this.owner.get("/api/v1/customers/" + customer).status()).isEqualTo(404);
		assertThat(this.owner.get("/api/v1/conversations/" + conversation).status()).isEqualTo(404);
		assertThat(
				this.jdbc.sql("select count(*) from message where body like '%555-0199%'").query(Long.class).single())
			.isZero();
		assertThat(this.owner.get("/api/v1/search/conversations?q=555-0199").json().path("results").size()).isZero();
		assertThat(this.audit.latest(10)).anySatisfy((event) -> {
			assertThat(event.action()).isEqualTo("customer.erased");
			assertThat(event.details().values()).noneMatch((value) -> value.contains("555"));
		});
	}

	private String customerWithConversation(String email, String message) throws Exception {
		ApiClient.Response session = visitorSession(Map.of());
		String conversation = chat(session.text("/token"), message);
		new ApiClient(this.port).header("Authorization", "Bearer " + session.text("/token"))
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", email)));
		return customerOf(conversation);
	}

	private ApiClient.Response visitorSession(Map<String, Object> extra) {
		Map<String, Object> body = new java.util.HashMap<>(extra);
		body.put("siteKey", this.site.key().value());
		return new ApiClient(this.port).header("Origin", APP).post("/api/v1/visitor/session", ApiClient.json(body));
	}

	private String chat(String token, String message) {
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
			String conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "m1", message);
			return conversation;
		}
	}

	/** The customer of a conversation once it reached the archive. */
	private String customerOf(String conversation) {
		return await("the archived conversation's customer").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.jdbc.sql(
					"select customer_id::text from conversation where id = cast(? as uuid) and customer_id is not null")
				.param(conversation)
				.query(String.class)
				.list(), (found) -> !found.isEmpty())
			.get(0);
	}

}
