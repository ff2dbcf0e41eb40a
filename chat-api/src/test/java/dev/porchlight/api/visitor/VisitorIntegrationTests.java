package dev.porchlight.api.visitor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@PorchlightTest(properties = "porchlight.visitor-sessions-per-address=" + VisitorIntegrationTests.PER_ADDRESS)
class VisitorIntegrationTests {

	/**
	 * Visitor tokens a minute per address here: not the default, to see the setting work,
	 * and more than any other test of the class asks for (8).
	 */
	static final int PER_ADDRESS = 12;

	static final String SHOP = "https://shop.example";

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	StringRedisTemplate redis;

	Site site;

	@BeforeEach
	void aSiteThatAllowsTheShop() {
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.serverCommands().flushDb();
			return null;
		});
		this.site = Site.create("Shop", List.of(new AllowedOrigin(SHOP)), Instant.now());
		this.sites.add(this.site);
	}

	@Test
	void issuesTokensOnlyToTheSitesOwnOriginsOrTheWidgetFrame() {
		assertThat(start(SHOP, Map.of()).status()).isEqualTo(200);
		assertThat(start(APP, Map.of()).status()).as("the widget frame on Porchlight's origin").isEqualTo(200);
		ApiClient.Response foreign = start("https://evil.example", Map.of());
		assertThat(foreign.status()).isEqualTo(403);
		assertThat(foreign.text("/error")).isEqualTo("origin_not_allowed");
		assertThat(start("https://shop.example.evil.example", Map.of()).status()).isEqualTo(403);
		assertThat(start("http://shop.example", Map.of()).status()).isEqualTo(403);
		assertThat(start(null, Map.of()).status()).as("no Origin at all").isEqualTo(403);
	}

	@Test
	void answersCorsPreflightsOnlyForAllowedOrigins() {
		ApiClient allowed = new ApiClient(this.port).header("Origin", SHOP)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type");
		ApiClient.Response ok = allowed.options("/api/v1/visitor/session");
		assertThat(ok.header("Access-Control-Allow-Origin")).contains(SHOP);
		assertThat(ok.header("Access-Control-Allow-Credentials")).isEmpty();
		ApiClient foreign = new ApiClient(this.port).header("Origin", "https://evil.example")
			.header("Access-Control-Request-Method", "POST");
		assertThat(foreign.options("/api/v1/visitor/session").header("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void outsideBusinessHoursTheWidgetHearsItIsClosedAndWhenItOpens() {
		assertThat(start(SHOP, Map.of()).json().path("site").path("openNow").asBoolean()).isTrue();
		assertThat(start(SHOP, Map.of()).json().path("site").path("hoursChangeAt").isNull())
			.as("no business hours, no change")
			.isTrue();
		LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
		WidgetSettings widget = this.site.widget();
		this.sites.update(this.site.withSettings(this.site.name(), this.site.allowedOrigins(), this.site.identityMode(),
				new WidgetSettings(widget.colour(), widget.position(), widget.greeting(), widget.awayMessage(),
						widget.preChatForm(), widget.typingPreview(), new BusinessHours(ZoneOffset.UTC,
								List.of(BusinessHours.Opening.parse(tomorrow.getDayOfWeek() + " 10:00-11:00"))))));
		JsonNode site = start(SHOP, Map.of()).json().path("site");
		assertThat(site.path("openNow").asBoolean()).isFalse();
		assertThat(Instant.parse(site.path("hoursChangeAt").asString()))
			.isEqualTo(tomorrow.atTime(10, 0).toInstant(ZoneOffset.UTC));
	}

	@Test
	void aNewVisitorGetsAnIdAndACredentialAndContinuesWithThem() {
		ApiClient.Response first = start(SHOP, Map.of());
		String visitorId = first.text("/visitorId");
		String secret = first.text("/visitorSecret");
		assertThat(secret).hasSize(43);
		assertThat(first.text("/identity")).isEqualTo("none");
		assertThat(first.text("/site/greeting")).isNotBlank();
		assertThat(first.body()).doesNotContain(this.site.identitySecret().value());

		ApiClient.Response again = start(SHOP, Map.of("visitorId", visitorId, "visitorSecret", secret));
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.text("/visitorId")).isEqualTo(visitorId);
		assertThat(again.text("/visitorSecret")).as("the credential is only handed out once").isNull();
		assertThat(me(again.text("/token")).text("/visitorId")).isEqualTo(visitorId);
	}

	@Test
	void aVisitorWhoLeftTheirEmailIsKnownAsReturning() {
		ApiClient.Response first = start(SHOP, Map.of());
		assertThat(first.json().path("returning").asBoolean()).isFalse();
		Map<String, Object> again = Map.of("visitorId", first.text("/visitorId"), "visitorSecret",
				first.text("/visitorSecret"));
		assertThat(start(SHOP, again).json().path("returning").asBoolean()).as("no contact details yet").isFalse();
		assertThat(new ApiClient(this.port).header("Authorization", "Bearer " + first.text("/token"))
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "back@example.com")))
			.status()).isEqualTo(204);
		assertThat(start(SHOP, again).json().path("returning").asBoolean()).isTrue();
	}

	@Test
	void withoutAValidTokenTheVisitorApiIsClosed() {
		ApiClient.Response started = start(SHOP, Map.of());
		String token = started.text("/token");
		assertThat(new ApiClient(this.port).get("/api/v1/visitor/me").status()).isEqualTo(401);
		assertThat(me("garbage").status()).isEqualTo(401);
		String[] parts = token.split("\\.");
		String otherVisitor = java.util.UUID.randomUUID().toString();
		String forged = String.join(".", parts[0], parts[1], otherVisitor, parts[3], parts[4], parts[5]);
		assertThat(me(forged).status()).as("changing the visitor id breaks the signature").isEqualTo(401);
		String extended = String.join(".", parts[0], parts[1], parts[2], parts[3],
				String.valueOf(Long.parseLong(parts[4]) + 86400), parts[5]);
		assertThat(me(extended).status()).as("extending the expiry breaks the signature").isEqualTo(401);
		assertThat(new ApiClient(this.port).get("/api/v1/visitor/me?token=" + token).status())
			.as("tokens are never taken from the URL")
			.isEqualTo(401);
	}

	@Test
	void oneVisitorCanNeverActAsAnother() {
		ApiClient.Response alice = start(SHOP, Map.of());
		ApiClient.Response bob = start(SHOP, Map.of());
		assertThat(me(alice.text("/token")).text("/visitorId")).isEqualTo(alice.text("/visitorId"))
			.isNotEqualTo(bob.text("/visitorId"));
		// Alice knows Bob's visitor id (ids are not secrets) but not his credential.
		ApiClient.Response takeover = start(SHOP,
				Map.of("visitorId", bob.text("/visitorId"), "visitorSecret", alice.text("/visitorSecret")));
		assertThat(takeover.status()).isEqualTo(401);
		assertThat(takeover.text("/error")).isEqualTo("visitor_credential_invalid");
		// A visitor token opens nothing of the staff API.
		ApiClient withToken = new ApiClient(this.port).header("Authorization", "Bearer " + alice.text("/token"));
		assertThat(withToken.get("/api/v1/sites").status()).isEqualTo(401);
		assertThat(withToken.get("/api/v1/accounts").status()).isEqualTo(401);
	}

	@Test
	void aVisitorOfOneSiteCannotContinueOnAnother() {
		Site other = Site.create("Other", List.of(new AllowedOrigin("https://other.example")), Instant.now());
		this.sites.add(other);
		ApiClient.Response visitor = start(SHOP, Map.of());
		ApiClient.Response elsewhere = new ApiClient(this.port).header("Origin", "https://other.example")
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", other.key().value(), "visitorId",
					visitor.text("/visitorId"), "visitorSecret", visitor.text("/visitorSecret"))));
		assertThat(elsewhere.status()).isEqualTo(401);
	}

	@Test
	void aValidSignatureLinksTheVisitorToTheVouchedCustomer() {
		Map<String, Object> identity = Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-42", "ada@shop.example", "Ada"));
		ApiClient.Response verified = start(SHOP, Map.of("identity", identity));
		assertThat(verified.text("/identity")).isEqualTo("verified");
		ApiClient.Response me = me(verified.text("/token"));
		assertThat(me.text("/customer/email")).isEqualTo("ada@shop.example");
		assertThat(me.text("/customer/name")).isEqualTo("Ada");

		// Another browser vouched for as the same customer reaches the same customer
		// record.
		ApiClient.Response sameCustomer = start(SHOP, Map.of("identity", identity));
		assertThat(me(sameCustomer.text("/token")).text("/customer/email")).isEqualTo("ada@shop.example");
	}

	@Test
	void inEnforcedModeABadOrMissingSignatureGetsNoTokenAtAll() {
		Site enforced = this.site.withSettings(this.site.name(), this.site.allowedOrigins(), IdentityMode.ENFORCED,
				this.site.widget());
		this.sites.update(enforced);
		String valid = IdentityTokenFixture.token(this.site.identitySecret(), "user-7", null, null);
		String[] parts = valid.split("\\.");
		String otherSites = IdentityTokenFixture.token(IdentitySecret.generate(), "user-7", null, null);
		List<Map<String, Object>> refusedIdentities = List.of(Map.of("externalId", "user-7"), Map.of("token", ""),
				Map.of("token", parts[0] + "." + parts[1] + "." + otherSites.split("\\.")[2]),
				Map.of("token", otherSites), Map.of("token", parts[0] + "." + parts[1] + "."),
				Map.of("externalId", "user-7", "signature", this.site.identitySecret().sign("user-7")));
		for (Map<String, Object> identity : refusedIdentities) {
			ApiClient.Response refused = start(SHOP, Map.of("identity", identity));
			assertThat(refused.status()).as(identity.toString()).isEqualTo(403);
			assertThat(refused.text("/error")).isEqualTo("identity_invalid");
			assertThat(refused.body()).doesNotContain("\"token\"");
		}
		assertThat(start(SHOP, Map.of("identity", Map.of("token", valid))).text("/identity")).isEqualTo("verified");
		assertThat(start(SHOP, Map.of()).status()).as("anonymous visitors may still chat").isEqualTo(200);
	}

	@Test
	void typingSomebodysEmailOrIdGrantsNothing() {
		start(SHOP, Map.of("identity", Map.of("token",
				IdentityTokenFixture.token(this.site.identitySecret(), "user-9", "vip@shop.example", null))));
		// An impostor claims the same person without the site's signature.
		ApiClient.Response impostor = start(SHOP,
				Map.of("identity", Map.of("externalId", "user-9", "email", "vip@shop.example", "name", "VIP")));
		assertThat(impostor.status()).isEqualTo(200);
		assertThat(impostor.text("/identity")).isEqualTo("unverified");
		assertThat(me(impostor.text("/token")).json().at("/customer").isNull()).isTrue();
	}

	@Test
	void visitorAnswersCarryTheSecurityHeadersToo() {
		ApiClient.Response session = start(SHOP, Map.of());
		ApiClient.Response refused = start("https://evil.example", Map.of());
		ApiClient.Response me = me(session.text("/token"));
		ApiClient.Response anonymous = new ApiClient(this.port).get("/api/v1/visitor/me");
		ApiClient.Response frame = new ApiClient(this.port)
			.get("/widget/frame?site=" + this.site.key().value() + "&origin=" + SHOP);
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(frame.status()).isEqualTo(200);
		for (ApiClient.Response response : List.of(session, refused, me, anonymous, frame)) {
			assertThat(response.header("Referrer-Policy")).as(response.toString()).isPresent();
			assertThat(response.header("Permissions-Policy")).as(response.toString())
				.hasValue("camera=(), microphone=(), geolocation=()");
			assertThat(response.header("X-Content-Type-Options")).as(response.toString()).hasValue("nosniff");
			assertThat(response.header("Content-Security-Policy")).as(response.toString()).isPresent();
		}
		assertThat(session.header("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
		assertThat(frame.header("Referrer-Policy")).hasValue("no-referrer");
	}

	@Test
	void tokenRequestsAreRateLimitedPerAddress() {
		for (int i = 0; i < PER_ADDRESS; i++) {
			assertThat(start(SHOP, Map.of()).status()).isEqualTo(200);
		}
		ApiClient.Response limited = start(SHOP, Map.of());
		assertThat(limited.status()).isEqualTo(429);
		assertThat(limited.text("/error")).isEqualTo("rate_limited");
		assertThat(limited.header("Retry-After")).isPresent();
	}

	@Test
	void malformedRequestsGetClearErrors() {
		ApiClient client = new ApiClient(this.port).header("Origin", SHOP);
		assertThat(client.post("/api/v1/visitor/session", "{").text("/error")).isEqualTo("malformed_request");
		assertThat(client.post("/api/v1/visitor/session", "{}").text("/error")).isEqualTo("invalid_site_key");
		assertThat(client.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", "pk_nope"))).status())
			.isEqualTo(404);
		ApiClient.Response tooLong = client.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey",
				this.site.key().value(), "identity", Map.of("externalId", "x".repeat(300), "signature", "00"))));
		assertThat(tooLong.status()).isEqualTo(400);
	}

	private ApiClient.Response start(String origin, Map<String, Object> fields) {
		ApiClient client = new ApiClient(this.port);
		if (origin != null) {
			client.header("Origin", origin);
		}
		Map<String, Object> body = new HashMap<>(fields);
		body.put("siteKey", this.site.key().value());
		return client.post("/api/v1/visitor/session", ApiClient.json(body));
	}

	private ApiClient.Response me(String token) {
		return new ApiClient(this.port).header("Authorization", "Bearer " + token).get("/api/v1/visitor/me");
	}

}
