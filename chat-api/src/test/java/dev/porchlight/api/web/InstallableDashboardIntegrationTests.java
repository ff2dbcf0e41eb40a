package dev.porchlight.api.web;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard can be installed as an app (a manifest with icons) and has a favicon, so
 * no page load asks for a file that is not there.
 */
@PorchlightTest
class InstallableDashboardIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void theDashboardLinksAManifestWhoseIconsAllExist() {
		ApiClient anonymous = new ApiClient(this.port);
		String page = anonymous.get("/app/").body();
		assertThat(page).contains("<link rel=\"manifest\" href=\"/app/manifest.json\">")
			.contains("<link rel=\"icon\" href=\"/favicon.ico\"");
		ApiClient.Response manifest = anonymous.get("/app/manifest.json");
		assertThat(manifest.status()).isEqualTo(200);
		JsonNode app = manifest.json();
		assertThat(app.path("start_url").asString()).isEqualTo("/app/");
		assertThat(app.path("display").asString()).isEqualTo("standalone");
		assertThat(app.path("icons").findValuesAsString("sizes")).contains("192x192", "512x512");
		for (JsonNode icon : app.path("icons")) {
			ApiClient.Response image = anonymous.get(icon.path("src").asString());
			assertThat(image.status()).as(icon.toString()).isEqualTo(200);
			assertThat(image.header("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("image/png"));
		}
	}

	@Test
	void thereIsAFavicon() {
		ApiClient.Response icon = new ApiClient(this.port).get("/favicon.ico");
		assertThat(icon.status()).isEqualTo(200);
		assertThat(icon.header("Content-Type")).hasValueSatisfying((type) -> assertThat(type).startsWith("image/"));
	}

}
