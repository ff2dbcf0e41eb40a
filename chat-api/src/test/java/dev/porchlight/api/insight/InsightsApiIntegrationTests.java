package dev.porchlight.api.insight;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Insights from outside: visitors ask through the WebSocket, the archive and the
 * scheduled count pick it up, and the API shows it only to staff who serve the site, as
 * JSON and CSV, with every bad parameter a 400.
 */
@PorchlightTest(properties = { "porchlight.archive.interval=200ms", "porchlight.insights.interval=300ms",
		"porchlight.insights.fresh=0s", "porchlight.insights.settle=0s" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsightsApiIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	Site site;

	ApiClient owner;

	@BeforeAll
	void visitorsAsk() throws Exception {
		this.site = Site.create("Insight shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(this.site);
		List<String> questions = List.of("Do you do engraving on rings?", "Is engraving free for a ring?",
				"=HYPERLINK(\"x\") engraving please", "Where is my parcel?");
		for (int i = 0; i < questions.size(); i++) {
			String token = ApiClient.visitorToken(this.port, APP, this.site.key().value());
			try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
				String conversation = visitor.startConversation();
				visitor.sendAndAck(conversation, "q" + i, questions.get(i));
			}
		}
		this.owner = new ApiClient(this.port);
		this.owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
		await("the questions counted").atMost(Duration.ofSeconds(30))
			.until(() -> this.owner.get(path("asks")).json().path("top"),
					(top) -> labels(top).contains("engraving") && labels(top).contains("ring"));
	}

	@Test
	void whatVisitorsTypedShowsAsTermsWithTheirCounts() {
		JsonNode answer = this.owner.get(path("asks")).json();
		assertThat(answer.at("/period/siteName").asString()).isEqualTo("Insight shop");
		assertThat(answer.at("/period/zone").asString()).isEqualTo("UTC");
		JsonNode engraving = term(answer.path("top"), "engraving");
		assertThat(engraving.path("key").asString()).isEqualTo("engrav");
		assertThat(engraving.path("conversations").asInt()).isEqualTo(3);
		assertThat(engraving.path("customers").asInt()).isEqualTo(3);
		assertThat(engraving.path("previousConversations").asInt()).isZero();
		assertThat(engraving.path("rising").asBoolean()).isTrue();
		assertThat(labels(answer.path("top"))).doesNotContain("parcel").as("one visitor only");
		JsonNode people = this.owner.get(path("people")).json().path("people");
		assertThat(people.path("conversations").asInt()).isEqualTo(4);
		assertThat(people.path("newPeople").asInt()).isEqualTo(4);
		assertThat(people.path("arrivals").size()).isEqualTo(7);
		assertThat(people.path("days").size()).isEqualTo(30);
		JsonNode answers = this.owner.get(path("answers")).json().path("answers");
		assertThat(answers.at("/all/asked").asInt()).isEqualTo(4);
		assertThat(answers.at("/all/waiting").asInt()).isEqualTo(4);
		assertThat(answers.path("byHour").size()).isEqualTo(24);
	}

	@Test
	void everyFigureExportsAsCsvAndEachExportIsAudited() {
		ApiClient.Response terms = this.owner.get(path("export") + "&figure=terms");
		assertThat(terms.status()).isEqualTo(200);
		assertThat(terms.header("Content-Type").orElseThrow()).startsWith("text/csv");
		assertThat(terms.header("Content-Disposition").orElseThrow()).contains("attachment")
			.contains("insights-terms-");
		assertThat(terms.body()).startsWith("term,key,conversations,people").contains("\"engraving\",\"engrav\",3,3");
		for (String figure : List.of("rising", "fading", "days", "arrivals", "pages", "referrers", "people", "stories",
				"hours", "staff", "answers")) {
			ApiClient.Response csv = this.owner.get(path("export") + "&figure=" + figure);
			assertThat(csv.status()).as(figure).isEqualTo(200);
			assertThat(csv.body()).as(figure).contains("\r\n");
		}
		assertThat(this.owner.get(path("export") + "&figure=arrivals").body()).startsWith("weekday,00,01");
		assertThat(this.owner.get("/api/v1/audit?limit=50").body()).contains("insights.exported");
	}

	@Test
	void hidingAndMergingTermsIsStaffsChoiceAndAudited() {
		String rules = "/api/v1/insights/rules?site=" + this.site.id();
		assertThat(this.owner.put(rules, ApiClient.json(Map.of("key", "ring", "mergeInto", "engrav"))).status())
			.isEqualTo(200);
		JsonNode top = this.owner.get(path("asks")).json().path("top");
		assertThat(labels(top)).doesNotContain("ring");
		assertThat(term(top, "engraving").path("merged").get(0).asString()).isEqualTo("ring");
		assertThat(term(top, "engraving").path("conversations").asInt()).isEqualTo(3);
		assertThat(this.owner.delete(rules + "&key=ring").status()).isEqualTo(204);
		assertThat(this.owner.delete(rules + "&key=ring").status()).isEqualTo(404);
		assertThat(this.owner.put(rules, ApiClient.json(Map.of("key", "ring"))).text("/error"))
			.isEqualTo("invalid_rule");
		assertThat(this.owner.put(rules, ApiClient.json(Map.of("key", "ring", "mergeInto", "ring"))).text("/error"))
			.isEqualTo("invalid_merge");
		assertThat(this.owner.get("/api/v1/audit?limit=50").body()).contains("insights.term_corrected")
			.contains("insights.term_restored");
	}

	@Test
	void onlyStaffServingTheSiteSeeItAndOnlyTheOwnerRebuilds() {
		String other = this.owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Elsewhere"))).text("/id");
		String email = "insights" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = this.owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Ida", "role", "AGENT", "sites", List.of(other))));
		ApiClient agent = new ApiClient(this.port);
		agent.signIn(email, created.text("/oneTimePassword"));
		assertThat(agent
			.post("/api/v1/me/password", ApiClient.json(Map.of("currentPassword", created.text("/oneTimePassword"),
					"newPassword", "ida's own long password")))
			.status()).isEqualTo(200);
		for (String call : List.of("asks", "people", "answers")) {
			assertThat(agent.get(path(call)).status()).as(call).isEqualTo(404);
			assertThat(agent.get("/api/v1/insights/" + call + "?site=" + other).status()).as(call).isEqualTo(200);
		}
		assertThat(agent.get(path("export") + "&figure=stories").status()).isEqualTo(404);
		assertThat(agent
			.put("/api/v1/insights/rules?site=" + this.site.id(), ApiClient.json(Map.of("key", "ring", "hidden", true)))
			.status()).isEqualTo(404);
		assertThat(agent.post("/api/v1/insights/rebuild", null).status()).isEqualTo(403);
		assertThat(new ApiClient(this.port).get(path("asks")).status()).isEqualTo(401);
	}

	@Test
	void everyBadParameterIsA400NamingIt() {
		String base = "/api/v1/insights/asks?site=" + this.site.id();
		Map<String, String> bad = Map.of("&days=0", "invalid_period", "&days=367", "invalid_period", "&days=ten",
				"invalid_days", "&from=2026-01-01", "invalid_period", "&from=2026-13-01&to=2026-12-01", "invalid_from",
				"&from=2026-01-01&to=2025-01-01", "invalid_period", "&from=2024-01-01&to=2026-01-01", "invalid_period",
				"&limit=0", "invalid_limit", "&days=7&from=2026-01-01&to=2026-01-02", "invalid_period");
		bad.forEach((query, error) -> {
			ApiClient.Response response = this.owner.get(base + query);
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.text("/error")).as(query).isEqualTo(error);
		});
		assertThat(this.owner.get("/api/v1/insights/asks").text("/error")).isEqualTo("missing_site");
		assertThat(this.owner.get("/api/v1/insights/asks?site=nope").text("/error")).isEqualTo("invalid_id");
		assertThat(this.owner.get("/api/v1/insights/asks?site=" + UUID.randomUUID()).status()).isEqualTo(404);
		assertThat(this.owner.get(path("export") + "&figure=everything").text("/error")).isEqualTo("invalid_figure");
		assertThat(this.owner.get(base + "&from=2026-01-01&to=2026-01-31").json().at("/period/previousFrom").asString())
			.isEqualTo("2025-12-01");
	}

	@Test
	void aRebuildCountsEverythingAgain() {
		JsonNode before = this.owner.get(path("asks")).json().path("top");
		ApiClient.Response rebuilt = this.owner.post("/api/v1/insights/rebuild", null);
		assertThat(rebuilt.status()).isEqualTo(202);
		assertThat(rebuilt.json().path("conversations").asLong()).isGreaterThanOrEqualTo(4);
		await("counted again").atMost(Duration.ofSeconds(30))
			.until(() -> this.owner.get(path("asks")).json(),
					(answer) -> answer.at("/period/waiting").asLong() == 0 && answer.path("top").equals(before));
		assertThat(this.owner.get("/api/v1/audit?limit=50").body()).contains("insights.rebuilt");
	}

	private String path(String call) {
		return "/api/v1/insights/" + call + "?site=" + this.site.id() + "&days=30";
	}

	private static JsonNode term(JsonNode list, String label) {
		for (JsonNode term : list) {
			if (term.path("label").asString().equals(label)) {
				return term;
			}
		}
		throw new AssertionError("no term " + label + " in " + list);
	}

	private static List<String> labels(JsonNode list) {
		List<String> labels = new ArrayList<>();
		list.forEach((term) -> labels.add(term.path("label").asString()));
		return labels;
	}

}
