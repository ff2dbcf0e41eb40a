package dev.porchlight.api.widget;

import java.time.Instant;
import java.util.List;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the loader and the frame get from the server, checked over HTTP: the launcher's
 * look, the frame's embedding policy, and the demo store.
 */
@PorchlightTest
class WidgetIntegrationTests {

	static final String SHOP = "https://ankh.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	@Test
	void theLauncherGetsItsLookAndLabelsOnAnAllowedPageOnly() {
		Site site = site();
		ApiClient.Response look = new ApiClient(this.port).header("Origin", SHOP)
			.get("/api/v1/visitor/widget/" + site.key().value() + "?locale=de-AT");
		assertThat(look.status()).isEqualTo(200);
		JsonNode body = look.json();
		assertThat(body.path("colour").asString()).isEqualTo("#1a7f5a");
		assertThat(body.path("textColour").asString()).isEqualTo("#ffffff");
		assertThat(body.path("position").asString()).isEqualTo("right");
		assertThat(body.path("locale").asString()).isEqualTo("de");
		assertThat(body.path("labels").path("openChat").asString()).isEqualTo("Chat öffnen");
		assertThat(look.header("Access-Control-Allow-Origin")).contains(SHOP);
		assertThat(look.header("Cache-Control")).contains("no-cache");
		String etag = look.header("ETag").orElseThrow();
		assertThat(new ApiClient(this.port).header("Origin", SHOP)
			.header("If-None-Match", etag)
			.get("/api/v1/visitor/widget/" + site.key().value() + "?locale=de-AT")
			.status()).as("unchanged: not sent again").isEqualTo(304);

		// The browser's language when the page names none; English when unsupported.
		assertThat(new ApiClient(this.port).header("Origin", SHOP)
			.header("Accept-Language", "fr-CH,fr;q=0.9")
			.get("/api/v1/visitor/widget/" + site.key().value())
			.text("/labels/openChat")).isEqualTo("Ouvrir la discussion");
		assertThat(new ApiClient(this.port).header("Origin", SHOP)
			.get("/api/v1/visitor/widget/" + site.key().value() + "?locale=tlh")
			.text("/labels/openChat")).isEqualTo("Open chat");

		ApiClient.Response elsewhere = new ApiClient(this.port).header("Origin", "https://evil.example")
			.get("/api/v1/visitor/widget/" + site.key().value());
		assertThat(elsewhere.status()).isEqualTo(403);
		assertThat(elsewhere.text("/error")).isEqualTo("origin_not_allowed");
		// Readable by that page, so the loader can print why (docs/embedding.md).
		assertThat(elsewhere.header("Access-Control-Allow-Origin")).contains("https://evil.example");
		assertThat(elsewhere.header("Access-Control-Allow-Credentials")).isEmpty();
		assertThat(new ApiClient(this.port).get("/api/v1/visitor/widget/pk_0000000000000000000000").status())
			.isEqualTo(404);
		assertThat(new ApiClient(this.port).get("/api/v1/visitor/widget/%3Cscript%3E").text("/error"))
			.isEqualTo("not_found");
	}

	@Test
	void theFrameMayBeEmbeddedByTheOriginThatAskedForItAndNoOtherPage() {
		Site site = site();
		ApiClient.Response frame = new ApiClient(this.port)
			.get("/widget/frame?site=" + site.key().value() + "&origin=" + SHOP);
		assertThat(frame.status()).isEqualTo(200);
		assertThat(frame.header("Content-Security-Policy"))
			.hasValueSatisfying((policy) -> assertThat(policy).contains("frame-ancestors " + SHOP)
				.contains("script-src 'self'")
				.contains("connect-src 'self' wss://chat.porchlight.example")
				.doesNotContain("unsafe"));
		assertThat(frame.header("X-Frame-Options")).isEmpty();
		assertThat(frame.body()).contains("<script type=\"module\" src=\"/widget/app.js\"></script>")
			.doesNotContain("<script>");

		ApiClient.Response evil = new ApiClient(this.port)
			.get("/widget/frame?site=" + site.key().value() + "&origin=https://evil.example");
		assertThat(evil.status()).isEqualTo(403);
		assertThat(evil.text("/error")).isEqualTo("origin_not_allowed");
		ApiClient.Response missing = new ApiClient(this.port).get("/widget/frame?site=" + site.key().value());
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.body()).doesNotContain("Exception").doesNotContain("at dev.");
		// The frame's own files are plain static files, and not embeddable on their own.
		ApiClient.Response app = new ApiClient(this.port).get("/widget/app.js");
		assertThat(app.status()).isEqualTo(200);
		assertThat(new ApiClient(this.port).get("/widget.js").body()).contains("porchlight-launcher");
		// As the size budget counts them (WidgetBudgetTests): gzipped for a browser that
		// accepts it.
		for (String path : List.of("/widget.js", "/widget/app.js", "/widget/widget.css",
				"/widget/frame?site=" + site.key().value() + "&origin=" + SHOP)) {
			ApiClient.Response zipped = new ApiClient(this.port).header("Accept-Encoding", "gzip").get(path);
			assertThat(zipped.status()).as(path).isEqualTo(200);
			assertThat(zipped.header("Content-Encoding")).as(path).contains("gzip");
		}
		// The translations are JSON, which is never compressed on the fly: they go as the
		// build's gzipped copies, as JSON, and as they are to a client without gzip.
		for (String path : List.of("/widget/locales/de.json", "/app/locales/de.json")) {
			ApiClient.Response zipped = new ApiClient(this.port).header("Accept-Encoding", "gzip").get(path);
			assertThat(zipped.status()).as(path).isEqualTo(200);
			assertThat(zipped.header("Content-Encoding")).as(path).contains("gzip");
			assertThat(zipped.header("Content-Type")).as(path)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
			assertThat(zipped.header("Vary")).as(path)
				.hasValueSatisfying((vary) -> assertThat(vary).contains("Accept-Encoding"));
			ApiClient.Response plain = new ApiClient(this.port).get(path);
			assertThat(plain.header("Content-Encoding")).as(path).isEmpty();
			assertThat(plain.json().isObject()).as(path).isTrue();
		}
		// JSON never is (tokens beside text a caller chose: BREACH), however long.
		ApiClient.Response json = new ApiClient(this.port).header("Accept-Encoding", "gzip").get("/api/v1/openapi");
		assertThat(json.status()).isEqualTo(200);
		assertThat(json.body().length()).isGreaterThan(10_000);
		assertThat(json.header("Content-Encoding")).isEmpty();
	}

	@Test
	void theDemoStoreCarriesTheWidgetOfADemoSiteThatAllowsPorchlightsOwnOrigin() {
		ApiClient.Response page = new ApiClient(this.port).get("/");
		assertThat(page.status()).isEqualTo(200);
		Site demo = this.sites.all()
			.stream()
			.filter((site) -> site.name().equals(DemoStore.NAME))
			.findFirst()
			.orElseThrow();
		assertThat(page.body()).contains("<script src=\"/widget.js\" data-site=\"" + demo.key().value() + "\" async>");
		assertThat(demo.allowsOrigin("https://chat.porchlight.example")).isTrue();
		assertThat(this.sites.all().stream().filter((site) -> site.name().equals(DemoStore.NAME))).hasSize(1);

		// With the demo off, / leads to the dashboard.
		try (ConfigurableApplicationContext node = TestNodes.start(this.postgres, this.redis, "--server.port=0",
				"--porchlight.public-url=https://chat.porchlight.example", "--porchlight.demo.enabled=false")) {
			ApiClient.Response home = new ApiClient(TestNodes.port(node)).get("/");
			assertThat(home.status()).isEqualTo(302);
			assertThat(home.header("Location")).hasValueSatisfying((to) -> assertThat(to).endsWith("/app/"));
		}
		assertThat(this.sites.all().stream().filter((site) -> site.name().equals(DemoStore.NAME))).hasSize(1);
	}

	private Site site() {
		Site site = Site.create("Ankh & Co", List.of(new AllowedOrigin(SHOP)), Instant.now());
		this.sites.add(site);
		return site;
	}

}
