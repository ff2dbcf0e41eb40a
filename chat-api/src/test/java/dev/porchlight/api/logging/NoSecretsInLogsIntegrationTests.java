package dev.porchlight.api.logging;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the flows that handle secrets with the application logging at INFO and checks that
 * none of them ever reaches the log: passwords, visitor tokens, visitor credentials,
 * identity secrets and signatures.
 */
@PorchlightTest(properties = { "logging.level.dev.porchlight=DEBUG", "logging.level.org.springframework.web=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class NoSecretsInLogsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Test
	void secretsNeverReachTheLog(CapturedOutput output) {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		new ApiClient(this.port).signIn("owner@shop.example", "a wrong guess 987");
		ApiClient.Response created = owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", "ann@shop.example", "displayName", "Ann", "role", "AGENT")));
		String oneTime = created.text("/oneTimePassword");
		ApiClient agent = new ApiClient(this.port);
		agent.signIn("ann@shop.example", oneTime);
		agent.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", oneTime, "newPassword", "ann's secret phrase 55")));

		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String signature = IdentityTokenFixture.token(site.identitySecret(), "user-1", null, null);
		String expired = IdentityTokenFixture.token(site.identitySecret(), "user-1", null, null,
				Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600));
		ApiClient.Response visitor = new ApiClient(this.port).header("Origin", "https://shop.example")
			.post("/api/v1/visitor/session",
					ApiClient.json(Map.of("siteKey", site.key().value(), "identity", Map.of("token", signature))));
		// A refused token is not logged either.
		new ApiClient(this.port).header("Origin", "https://shop.example")
			.post("/api/v1/visitor/session",
					ApiClient.json(Map.of("siteKey", site.key().value(), "identity", Map.of("token", expired))));
		new ApiClient(this.port).header("Authorization", "Bearer " + visitor.text("/token")).get("/api/v1/visitor/me");

		assertThat(output.getAll()).isNotEmpty()
			.doesNotContain("owner password 123")
			.doesNotContain("a wrong guess 987")
			.doesNotContain(oneTime)
			.doesNotContain("ann's secret phrase 55")
			.doesNotContain(visitor.text("/token"))
			.doesNotContain(visitor.text("/visitorSecret"))
			.doesNotContain(site.identitySecret().value())
			.doesNotContain(signature)
			.doesNotContain(expired);
	}

}
