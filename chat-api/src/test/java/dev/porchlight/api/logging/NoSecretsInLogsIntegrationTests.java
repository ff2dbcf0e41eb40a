package dev.porchlight.api.logging;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
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
 * Runs the flows that handle secrets and what customers tell, with the application's and
 * Spring's web logging at DEBUG, and checks that none of it ever reaches the log:
 * passwords, visitor tokens, visitor credentials, identity secrets and signatures,
 * customers' addresses and names, messages and search words.
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

		// What customers tell: their address, their messages, staff's answers, and what
		// staff search for.
		String anonymous = ApiClient.visitorToken(this.port, PorchlightTest.APP, site.key().value());
		assertThat(new ApiClient(this.port).header("Authorization", "Bearer " + anonymous)
			.post("/api/v1/visitor/contact",
					ApiClient.json(Map.of("email", "wren.private@example.org", "name", "Wren Quillfeather")))
			.status()).isEqualTo(204);
		try (LiveTestClient chat = LiveTestClient.visitor(this.port, PorchlightTest.APP, anonymous);
				LiveTestClient staff = LiveTestClient.staff(this.port, PorchlightTest.APP,
						owner.cookie("PORCHLIGHT_SESSION").orElseThrow())) {
			String conversation = chat.startConversation();
			chat.sendAndAck(conversation, "m1", "my card ends in 4242 and my door code is 7781");
			staff.sendAndAck(conversation, "s1", "thanks, the parcel goes behind the blue gate");
		}
		assertThat(owner.get("/api/v1/search/conversations?q=blue%20gate").status()).isEqualTo(200);
		assertThat(owner.get("/api/v1/search/customers?q=Quillfeather").text("/0/email"))
			.isEqualTo("wren.private@example.org");

		assertThat(output.getAll()).isNotEmpty()
			.doesNotContain("owner password 123")
			.doesNotContain("a wrong guess 987")
			.doesNotContain(oneTime)
			.doesNotContain("ann's secret phrase 55")
			.doesNotContain(visitor.text("/token"))
			.doesNotContain(visitor.text("/visitorSecret"))
			.doesNotContain(site.identitySecret().value())
			.doesNotContain(signature)
			.doesNotContain(expired)
			.doesNotContain("wren.private@example.org")
			.doesNotContain("Quillfeather")
			.doesNotContain("door code")
			.doesNotContain("blue gate")
			.doesNotContain("blue%20gate");
	}

}
