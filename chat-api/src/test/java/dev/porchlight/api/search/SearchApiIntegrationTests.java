package dev.porchlight.api.search;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * From a visitor typing to the owner finding it: a message sent over the WebSocket is
 * archived within seconds and found by the search API with the word highlighted.
 */
@PorchlightTest(properties = "porchlight.archive.interval=200ms")
class SearchApiIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Test
	void aClosedConversationIsSearchableWithinSecondsWithTheWordHighlighted() throws Exception {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String token = ApiClient.visitorToken(this.port, APP, site.key().value());
		String conversation;
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
			conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "m1", "Could you engrave a tiny hummingbird on the clasp?");
		}
		ApiClient owner = owner();
		JsonNode hit = await("the conversation found by a word said in it").atMost(Duration.ofSeconds(10))
			.until(() -> owner.get("/api/v1/search/conversations?q=hummingbird").json().path("results"),
					(results) -> results.size() > 0)
			.get(0);
		assertThat(hit.path("conversationId").asString()).isEqualTo(conversation);
		assertThat(hit.path("seq").asLong()).isEqualTo(1);
		List<String> matched = new java.util.ArrayList<>();
		hit.path("snippet").forEach((segment) -> {
			if (segment.path("match").asBoolean()) {
				matched.add(segment.path("text").asString());
			}
		});
		assertThat(matched).containsExactly("hummingbird");
	}

	@Test
	void everyParameterIsValidatedAndNoneReachesTheDatabaseAsSql() {
		ApiClient owner = owner();
		Map<String, String> attacks = Map.of("q", "' or 1=1 --", "site", "' or 1=1 --", "customer",
				"00000000-0000-0000-0000-000000000000' or '1'='1", "status", "open' or 1=1 --", "tag", "x' or 1=1 --",
				"from", "2026-01-01'; drop table message; --", "to", "now()", "sort", "rank desc; drop table message",
				"cursor", "' or 1=1 --", "limit", "1; drop table message");
		attacks.forEach((parameter, value) -> {
			String path = "/api/v1/search/conversations?q=ankh&" + parameter + "="
					+ URLEncoder.encode(value, StandardCharsets.UTF_8);
			ApiClient.Response response = owner.get(path);
			assertThat(response.status()).as(parameter).isIn(200, 400);
			assertThat(response.body()).as(parameter).doesNotContain("Exception").doesNotContain("SQL");
			if (response.status() == 200) {
				assertThat(response.json().path("results").size()).as(parameter).isZero();
			}
			else {
				assertThat(response.text("/error")).as(parameter).startsWith("invalid_");
			}
		});
		assertThat(owner.get("/api/v1/search/customers?q=" + URLEncoder.encode("' or 1=1 --", StandardCharsets.UTF_8))
			.json()
			.size()).isZero();
		assertThat(owner.get("/api/v1/search/conversations").text("/error")).isEqualTo("invalid_query");
		assertThat(owner.get("/api/v1/search/conversations?q=ankh&limit=1000").text("/error"))
			.isEqualTo("invalid_limit");
		assertThat(owner.get("/api/v1/search/conversations?q=ankh&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")
			.text("/error")).isEqualTo("invalid_date_range");
	}

	@Test
	void conversationsAreListedNewestFirstWithFiltersAndPaging() throws Exception {
		Site site = Site.create("Lister", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		for (int i = 0; i < 3; i++) {
			String token = ApiClient.visitorToken(this.port, APP, site.key().value());
			try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
				String conversation = visitor.startConversation();
				visitor.sendAndAck(conversation, "m", "listing " + i);
			}
		}
		ApiClient owner = owner();
		String path = "/api/v1/conversations?site=" + site.id() + "&limit=2";
		// Wait until every message is archived: paging over rows whose activity still
		// moves
		// could legitimately skip one.
		await("every message archived").atMost(Duration.ofSeconds(10)).until(() -> {
			JsonNode all = owner.get("/api/v1/conversations?site=" + site.id() + "&limit=10").json().path("results");
			long archived = 0;
			for (JsonNode row : all) {
				archived += (row.path("seq").asLong() == 1) ? 1 : 0;
			}
			return archived == 3;
		});
		JsonNode first = owner.get(path).json();
		assertThat(first.path("estimatedTotal").asLong()).isEqualTo(3);
		assertThat(first.path("results").size()).isEqualTo(2);
		JsonNode second = owner.get(path + "&cursor=" + first.path("next").asString()).json();
		assertThat(second.path("results").size()).isEqualTo(1);
		assertThat(second.path("next").isNull()).isTrue();
		assertThat(
				owner.get("/api/v1/conversations?site=" + site.id() + "&status=closed").json().path("results").size())
			.isZero();
		assertThat(owner.get("/api/v1/conversations?sort=relevance").text("/error")).isEqualTo("invalid_query");
	}

	@Test
	void changingASitesLanguageIndexesItsArchiveAgain() throws Exception {
		ApiClient owner = owner();
		JsonNode site = owner
			.post("/api/v1/sites", ApiClient.json(Map.of("name", "Teeladen", "searchLanguage", "english")))
			.json();
		String token = ApiClient.visitorToken(this.port, APP, site.path("siteKey").asString());
		String conversation;
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
			conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "m1", "Sind die Teekannen wieder da?");
		}
		String path = "/api/v1/search/conversations?site=" + site.path("id").asString() + "&q=";
		// Archived, found by the exact word; the German stem is unknown to English.
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (owner.get(path + "Teekannen").json().path("results").size() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(owner.get(path + "Teekannen").json().path("results").size()).isEqualTo(1);
		assertThat(owner.get(path + "Teekanne").json().path("results").size()).isZero();
		assertThat(owner
			.patch("/api/v1/sites/" + site.path("id").asString(), ApiClient.json(Map.of("searchLanguage", "german")))
			.json()
			.path("searchLanguage")
			.asString()).isEqualTo("german");
		assertThat(owner.get(path + "Teekanne").json().path("results").get(0).path("conversationId").asString())
			.isEqualTo(conversation);
	}

	@Test
	void onlyStaffMaySearch() {
		assertThat(new ApiClient(this.port).get("/api/v1/search/conversations?q=ankh").status()).isEqualTo(401);
		assertThat(new ApiClient(this.port).header("Authorization", "Bearer v1.x.y.z.1.sig")
			.get("/api/v1/search/customers?q=ada")
			.status()).isEqualTo(401);
	}

	private ApiClient owner() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		return owner;
	}

}
