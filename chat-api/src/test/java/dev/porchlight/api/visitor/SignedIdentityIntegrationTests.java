package dev.porchlight.api.visitor;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed identity v2 (issue 19, acceptance 1): a site vouches with an expiring token,
 * only what it signed is verified, enforced mode needs a token every session, and the
 * legacy HMAC works only where the owner keeps it on.
 */
@PorchlightTest
class SignedIdentityIntegrationTests {

	static final String SHOP = "https://shop.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	JdbcClient jdbc;

	Site site;

	ApiClient owner;

	@BeforeEach
	void aSiteAndItsOwner() {
		// Token requests are limited per address; every test starts with a fresh budget.
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.serverCommands().flushDb();
			return null;
		});
		this.site = Site.create("Shop", List.of(new AllowedOrigin(SHOP)), Instant.now());
		this.sites.add(this.site);
		this.owner = new ApiClient(this.port);
		this.owner.signIn("owner@shop.example", "owner password 123");
	}

	@Test
	void aTokenForOnePersonCannotSetAnothersEmailOrName() {
		// Alice, as her site signed her.
		String alice = IdentityTokenFixture.token(this.site.identitySecret(), "alice-1", "alice@shop.example", "Alice");
		assertThat(start(Map.of("identity", Map.of("token", alice))).text("/identity")).isEqualTo("verified");
		JsonNode aliceRecord = record("alice-1");
		assertThat(aliceRecord.path("email").asString()).isEqualTo("alice@shop.example");
		assertThat(aliceRecord.path("verifiedDetails").toString()).isEqualTo("[\"name\",\"email\"]");

		// Mallory has a valid token for her own id and passes Alice's details beside it.
		String mallory = IdentityTokenFixture.token(this.site.identitySecret(), "mallory-1", null, null);
		ApiClient.Response session = start(
				Map.of("identity", Map.of("token", mallory, "email", "alice@shop.example", "name", "Alice")));
		assertThat(session.text("/identity")).isEqualTo("verified");
		JsonNode malloryRecord = record("mallory-1");
		assertThat(malloryRecord.path("id").asString()).isNotEqualTo(aliceRecord.path("id").asString());
		assertThat(malloryRecord.path("verifiedDetails").toString())
			.as("kept as unverified contact details, never as verified")
			.isEqualTo("[]");

		// A token for Alice with somebody else's details beside it changes nothing of
		// hers.
		String aliceAgain = IdentityTokenFixture.token(this.site.identitySecret(), "alice-1", null, null);
		start(Map.of("identity", Map.of("token", aliceAgain, "email", "eve@evil.example", "name", "Eve")));
		JsonNode after = record("alice-1");
		assertThat(after.path("email").asString()).isEqualTo("alice@shop.example");
		assertThat(after.path("name").asString()).isEqualTo("Alice");
		assertThat(after.path("verifiedDetails").toString()).isEqualTo("[\"name\",\"email\"]");

		// When staff change a signed detail, it is no longer the one the site signed.
		assertThat(this.owner
			.patch("/api/v1/customers/" + after.path("id").asString(), ApiClient.json(Map.of("name", "Alice B.")))
			.json()
			.path("verifiedDetails")
			.toString()).isEqualTo("[\"email\"]");
	}

	/**
	 * A customer the site vouches for without an email leaves one in the widget's form:
	 * it fills the gap on the vouched record, unverified, and never replaces what the
	 * site signed or what was left before. Whether the pre-chat form is skipped follows
	 * whether an email is known, in any browser.
	 */
	@Test
	void aVouchedCustomersFormFillsAGapOnTheirRecordAndAKnownEmailSkipsThePreChatForm() {
		String token = IdentityTokenFixture.token(this.site.identitySecret(), "bo-1", null, "Bo");
		ApiClient.Response first = start(Map.of("identity", Map.of("token", token)));
		assertThat(first.text("/identity")).isEqualTo("verified");
		assertThat(first.json().path("returning").asBoolean()).as("no email known yet").isFalse();
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + first.text("/token"));

		assertThat(visitor
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "bo@example.com", "name", "Robert")))
			.status()).isEqualTo(204);
		JsonNode record = record("bo-1");
		assertThat(record.path("email").asString()).isEqualTo("bo@example.com");
		assertThat(record.path("name").asString()).as("what the site signed stays").isEqualTo("Bo");
		assertThat(record.path("verifiedDetails").toString()).isEqualTo("[\"name\"]");
		assertThat(
				visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "other@example.com"))).status())
			.isEqualTo(204);
		assertThat(record("bo-1").path("email").asString()).as("a second form fills no gap")
			.isEqualTo("bo@example.com");

		ApiClient.Response otherBrowser = start(Map.of("identity", Map.of("token", token)));
		assertThat(otherBrowser.text("/visitorSecret")).as("a new visitor").isNotBlank();
		assertThat(otherBrowser.json().path("returning").asBoolean()).as("an email is known now").isTrue();

		String signedEmail = IdentityTokenFixture.token(this.site.identitySecret(), "cy-1", "cy@example.com", "Cy");
		assertThat(start(Map.of("identity", Map.of("token", signedEmail))).json().path("returning").asBoolean())
			.as("a signed email, in a browser never seen")
			.isTrue();
		assertThat(start(Map.of()).json().path("returning").asBoolean()).as("an anonymous new visitor").isFalse();
	}

	/**
	 * A browser the site vouched for earlier, now without that identity (a shared
	 * computer, an enforced site's page without a token): whoever fills in the form gets
	 * a record of their own; the vouched customer's empty email stays empty.
	 */
	@Test
	void theFormOfABrowserVouchedForOnlyEarlierNeverTouchesTheVouchedRecord() {
		enforce();
		String token = IdentityTokenFixture.token(this.site.identitySecret(), "dee-1", null, "Dee");
		ApiClient.Response vouched = start(Map.of("identity", Map.of("token", token)));
		assertThat(vouched.text("/identity")).isEqualTo("verified");
		ApiClient.Response later = start(
				Map.of("visitorId", vouched.text("/visitorId"), "visitorSecret", vouched.text("/visitorSecret")));
		assertThat(later.text("/identity")).isEqualTo("none");

		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + later.text("/token"));
		assertThat(visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "someone.else@example.com")))
			.status()).isEqualTo(204);

		JsonNode dee = record("dee-1");
		assertThat(dee.path("email").isNull() || dee.path("email").asString().isEmpty()).as(dee.toString()).isTrue();
		assertThat(dee.path("name").asString()).isEqualTo("Dee");
		assertThat(this.jdbc.sql("select count(*) from customer where email = cast(? as citext) and id <> ?")
			.param("someone.else@example.com")
			.param(java.util.UUID.fromString(dee.path("id").asString()))
			.query(Long.class)
			.single()).as("a record of the visitor's own").isEqualTo(1);
	}

	@Test
	void anExpiredOrNotYetValidTokenIsRefused() {
		enforce();
		Instant now = Instant.now();
		String expired = IdentityTokenFixture.token(this.site.identitySecret(), "user-7", null, null,
				now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
		ApiClient.Response refused = start(Map.of("identity", Map.of("token", expired)));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.text("/error")).isEqualTo("identity_invalid");
		assertThat(refused.text("/message")).contains("expired");
		assertThat(refused.body()).doesNotContain("\"token\"");

		Instant later = now.plus(Duration.ofMinutes(10));
		String early = IdentityTokenFixture.token(this.site.identitySecret(), "user-7", null, null, later,
				later.plus(Duration.ofHours(1)));
		ApiClient.Response tooEarly = start(Map.of("identity", Map.of("token", early)));
		assertThat(tooEarly.status()).isEqualTo(403);
		assertThat(tooEarly.text("/message")).contains("not valid yet");

		String tooLong = IdentityTokenFixture.token(this.site.identitySecret(), "user-7", null, null, now,
				now.plus(Duration.ofDays(7)));
		assertThat(start(Map.of("identity", Map.of("token", tooLong))).text("/message")).contains("24 hours");

		String garbage = "x".repeat(IdentityTokens.MAX_LENGTH + 1);
		ApiClient.Response unreadable = start(Map.of("identity", Map.of("token", garbage)));
		assertThat(unreadable.status()).as("too long to read at all").isEqualTo(400);
		assertThat(unreadable.text("/error")).isEqualTo("invalid_identity_token");
	}

	@Test
	void inOptionalModeARefusedTokenLeavesTheVisitorAnonymous() {
		Instant now = Instant.now();
		String expired = IdentityTokenFixture.token(this.site.identitySecret(), "user-7", "u7@shop.example", null,
				now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
		ApiClient.Response session = start(Map.of("identity", Map.of("token", expired)));
		assertThat(session.status()).isEqualTo(200);
		assertThat(session.text("/identity")).isEqualTo("unverified");
		assertThat(me(session.text("/token")).json().path("customer").isNull()).isTrue();
		assertThat(this.jdbc.sql("select count(*) from customer_identity where site_id = ?")
			.param(this.site.id().value())
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void inEnforcedModeASessionWithoutATokenIsAnonymous() {
		enforce();
		String token = IdentityTokenFixture.token(this.site.identitySecret(), "user-9", "nine@shop.example", "Nine");
		ApiClient.Response verified = start(Map.of("identity", Map.of("token", token)));
		assertThat(verified.text("/identity")).isEqualTo("verified");
		assertThat(me(verified.text("/token")).text("/customer/email")).isEqualTo("nine@shop.example");

		// The same browser comes back without a token: it continues as the same visitor,
		// but the token it gets names no customer.
		ApiClient.Response without = start(
				Map.of("visitorId", verified.text("/visitorId"), "visitorSecret", verified.text("/visitorSecret")));
		assertThat(without.status()).isEqualTo(200);
		assertThat(without.text("/visitorId")).isEqualTo(verified.text("/visitorId"));
		assertThat(without.text("/identity")).isEqualTo("none");
		assertThat(me(without.text("/token")).json().path("customer").isNull()).isTrue();

		// With a fresh token it is the customer again.
		ApiClient.Response again = start(Map.of("visitorId", verified.text("/visitorId"), "visitorSecret",
				verified.text("/visitorSecret"), "identity",
				Map.of("token", IdentityTokenFixture.token(this.site.identitySecret(), "user-9", null, null))));
		assertThat(me(again.text("/token")).text("/customer/email")).isEqualTo("nine@shop.example");
	}

	@Test
	void aBrowserVerifiedBeforeIsAnonymousWithARefusedTokenAndWithIdentityOff() {
		String token = IdentityTokenFixture.token(this.site.identitySecret(), "user-11", "eleven@shop.example",
				"Eleven");
		ApiClient.Response verified = start(Map.of("identity", Map.of("token", token)));
		assertThat(me(verified.text("/token")).text("/customer/email")).isEqualTo("eleven@shop.example");
		Map<String, Object> browser = Map.of("visitorId", verified.text("/visitorId"), "visitorSecret",
				verified.text("/visitorSecret"));

		// Optional mode, a token the site did not sign: anonymous for this session.
		Map<String, Object> forged = new HashMap<>(browser);
		forged.put("identity", Map.of("token", IdentityTokenFixture
			.token(dev.porchlight.domain.site.IdentitySecret.generate(), "user-11", null, null)));
		ApiClient.Response refused = start(forged);
		assertThat(refused.text("/identity")).isEqualTo("unverified");
		assertThat(me(refused.text("/token")).json().path("customer").isNull()).isTrue();

		// Identity off: nobody, however the browser was known before.
		this.sites.update(this.site.withSettings(this.site.name(), this.site.allowedOrigins(), IdentityMode.OFF,
				this.site.widget()));
		ApiClient.Response off = start(browser);
		assertThat(off.text("/identity")).isEqualTo("none");
		assertThat(me(off.text("/token")).json().path("customer").isNull()).isTrue();
	}

	@Test
	void legacySignaturesWorkOnlyWhereTheOwnerSwitchedThemOn() {
		String signature = this.site.identitySecret().sign("user-5");
		Map<String, Object> legacy = Map.of("externalId", "user-5", "email", "five@shop.example", "signature",
				signature);
		assertThat(start(Map.of("identity", legacy)).text("/identity")).as("new sites accept tokens only")
			.isEqualTo("unverified");

		ApiClient.Response switched = this.owner.patch("/api/v1/sites/" + this.site.id(),
				ApiClient.json(Map.of("legacyIdentity", true, "identityMode", "ENFORCED")));
		assertThat(switched.status()).isEqualTo(200);
		assertThat(switched.json().path("legacyIdentity").asBoolean()).isTrue();
		assertThat(start(Map.of("identity", legacy)).text("/identity")).isEqualTo("verified");
		JsonNode record = record("user-5");
		assertThat(record.path("email").asString()).isEqualTo("five@shop.example");
		assertThat(record.path("verifiedDetails").toString()).as("the legacy HMAC never covered the email")
			.isEqualTo("[]");
		ApiClient.Response upperCase = start(Map.of("identity",
				Map.of("externalId", "user-5", "signature", signature.toUpperCase(java.util.Locale.ROOT))));
		assertThat(upperCase.status()).as("only the documented lower-case hex").isEqualTo(403);

		this.owner.patch("/api/v1/sites/" + this.site.id(), ApiClient.json(Map.of("legacyIdentity", false)));
		ApiClient.Response off = start(Map.of("identity", legacy));
		assertThat(off.status()).isEqualTo(403);
		assertThat(off.text("/message")).contains("legacy signatures are switched off");
	}

	/**
	 * A conversation staff linked to a customer by mistake is followed, live, from that
	 * customer's vouched browser; once staff link it to the right customer, that browser
	 * is told it no longer follows it and hears nothing more of it (before, it heard
	 * every later message until its socket closed).
	 */
	@Test
	void aVouchedBrowserStopsFollowingAConversationLinkedToSomeoneElse() {
		String aliceToken = start(Map.of("identity",
				Map.of("token", IdentityTokenFixture.token(this.site.identitySecret(), "alice-9", null, "Alice"))))
			.text("/token");
		String alice = record("alice-9").path("id").asString();
		String bob = this.owner.post("/api/v1/customers", ApiClient.json(Map.of("name", "Bob"))).text("/id");
		String strangerToken = start(Map.of()).text("/token");
		try (LiveTestClient stranger = LiveTestClient.visitor(this.port, PorchlightTest.APP, strangerToken);
				LiveTestClient aliceSocket = LiveTestClient.visitor(this.port, PorchlightTest.APP, aliceToken)) {
			String conversation = stranger.startConversation();
			stranger.sendAndAck(conversation, "s1", "Hello, it's about my order");
			assertThat(this.owner
				.post("/api/v1/conversations/" + conversation + "/customer",
						ApiClient.json(Map.of("customerId", alice)))
				.status()).isEqualTo(200);
			assertThat(aliceSocket.resume(conversation, 0)).as("hers now, from her vouched browser")
				.containsExactly(1L);
			aliceSocket.sendAndAck(conversation, "a1", "Yes, that is my order");

			assertThat(this.owner
				.post("/api/v1/conversations/" + conversation + "/customer", ApiClient.json(Map.of("customerId", bob)))
				.status()).isEqualTo(200);
			JsonNode gone = aliceSocket.next("unsubscribed");
			assertThat(gone.path("conversationId").asString()).isEqualTo(conversation);
			stranger.sendAndAck(conversation, "s2", "Bob's new address is 12 Elm Street");
			stranger.next((frame) -> frame.path("type").asString().equals("event") && frame.path("seq").asLong() == 3,
					"the stranger's own message, delivered");
			assertThat(aliceSocket.resumeOrError(conversation, 0)).isEqualTo("not_found");
			// Having written in it before does not let her write in it now.
			aliceSocket.send(Map.of("type", "send", "ref", "late", "conversationId", conversation, "clientId", "a2",
					"body", "Anything new?"));
			JsonNode refused = aliceSocket.next((frame) -> frame.path("ref").asString().equals("late"),
					"the answer to a message after the link");
			assertThat(refused.path("type").asString()).as(refused.toString()).isEqualTo("error");
			assertThat(refused.path("code").asString()).isEqualTo("not_found");
			assertThat(aliceSocket.drain()).noneMatch((frame) -> frame.toString().contains("12 Elm Street"));
		}
	}

	private void enforce() {
		this.sites.update(this.site.withSettings(this.site.name(), this.site.allowedOrigins(), IdentityMode.ENFORCED,
				this.site.widget()));
	}

	/** The customer record a site's id points to, as the owner sees it. */
	private JsonNode record(String externalId) {
		String id = this.jdbc
			.sql("select customer_id::text from customer_identity where site_id = ? and external_id = ?")
			.param(this.site.id().value())
			.param(externalId)
			.query(String.class)
			.single();
		return this.owner.get("/api/v1/customers/" + id).json();
	}

	private ApiClient.Response start(Map<String, Object> fields) {
		Map<String, Object> body = new HashMap<>(fields);
		body.put("siteKey", this.site.key().value());
		return new ApiClient(this.port).header("Origin", SHOP).post("/api/v1/visitor/session", ApiClient.json(body));
	}

	private ApiClient.Response me(String token) {
		return new ApiClient(this.port).header("Authorization", "Bearer " + token).get("/api/v1/visitor/me");
	}

}
