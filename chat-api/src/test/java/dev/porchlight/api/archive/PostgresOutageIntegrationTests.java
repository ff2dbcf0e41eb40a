package dev.porchlight.api.archive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.HttpProbe;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisConnectionDetails;
import dev.porchlight.persistence.testing.RealEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL goes away in the middle of a conversation: live chat keeps working,
 * readiness says the node is not ready, liveness stays up, archival pauses, and once
 * PostgreSQL is back everything acknowledged meanwhile arrives there exactly once.
 */
class PostgresOutageIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final String PASSWORD = "correct horse battery staple";

	static final String WEBHOOK_SECRET = "outage webhook secret";

	@TempDir
	Path postgresDir;

	@Test
	void liveChatSurvivesAPostgresOutageAndArchivalCatchesUp() throws Exception {
		int pgPort = TestNodes.freePort();
		EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(this.postgresDir, "porchlight", false, pgPort);
		EmbeddedRedisConnectionDetails redis = RealEngines.get().isolated("outage").redis();
		ConfigurableApplicationContext app = new SpringApplicationBuilder(PorchlightApplication.class).run(
				"--server.port=0", "--porchlight.public-url=" + APP, "--spring.datasource.url=" + postgres.jdbcUrl(),
				"--spring.datasource.username=" + postgres.username(), "--spring.datasource.password=",
				"--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.connection-timeout=1000",
				"--spring.data.redis.url=redis://:" + redis.getPassword() + "@" + redis.host() + ":" + redis.port()
						+ "/" + redis.database(),
				"--porchlight.archive.interval=200ms", "--porchlight.archive.max-backoff=1s",
				"--porchlight.email.webhook-secret=" + WEBHOOK_SECRET);
		try {
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
			app.getBean(Sites.class).add(site);
			String token = ApiClient.visitorToken(port, APP, site.key().value());
			JdbcClient jdbc = app.getBean(JdbcClient.class);
			EmailAddress owner = new EmailAddress("owner" + System.nanoTime() + "@shop.example");
			app.getBean(Accounts.class)
				.add(Account.create(owner, "Owner", Role.OWNER, app.getBean(PasswordEncoder.class).encode(PASSWORD),
						false, Instant.now()));
			try (LiveTestClient visitor = LiveTestClient.visitor(port, APP, token)) {
				String conversation = visitor.startConversation();
				for (int i = 1; i <= 5; i++) {
					assertThat(visitor.sendAndAck(conversation, "before-" + i, "before " + i)).isEqualTo(i);
				}
				awaitArchived(jdbc, conversation, 5);

				postgres.close();
				for (int i = 1; i <= 10; i++) {
					assertThat(visitor.sendAndAck(conversation, "during-" + i, "during " + i))
						.as("messages are acknowledged while PostgreSQL is down")
						.isEqualTo(5 + i);
				}
				// What needs PostgreSQL says so, in one line of log each, and keeps
				// nothing.
				ApiClient api = new ApiClient(port).header("Authorization", "Bearer " + token);
				ApiClient.Response upload = api.postBytes(
						"/api/v1/visitor/conversations/" + conversation + "/attachments?name=note.txt",
						"a note".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain");
				assertThat(upload.status()).isEqualTo(503);
				assertThat(upload.text("/error")).isEqualTo("storage_unavailable");
				ApiClient.Response files = api.get("/api/v1/visitor/conversations/" + conversation + "/attachments");
				assertThat(files.status()).isEqualTo(503);
				assertThat(files.text("/error")).isEqualTo("unavailable");
				assertThat(files.header("Retry-After")).contains("5");
				// A mail provider posting to the webhook is told to post again, and when.
				HttpResponse<String> mail = postMail(port,
						ApiClient.json(Map.of("messageId", "<outage-1@example.org>", "from", "Ana <ana@example.org>",
								"to", List.of("shop@porchlight.localhost"), "subject", "Hello", "text",
								"Are you open?")));
				assertThat(mail.statusCode()).as(mail.body()).isEqualTo(503);
				assertThat(mail.body()).contains("\"error\":\"unavailable\"");
				assertThat(mail.headers().firstValue("Retry-After")).contains("5");
				assertThat(HttpProbe.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
				assertThat(HttpProbe.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
				// The owner cannot sign in, and is told it is the server's fault: more
				// tries than the throttle allows (5 per account) all answer 503, not a
				// wrong password.
				for (int i = 1; i <= 6; i++) {
					ApiClient.Response signIn = new ApiClient(port).signIn(owner.value(), PASSWORD);
					assertThat(signIn.status()).as("sign-in %d while PostgreSQL is down", i).isEqualTo(503);
					assertThat(signIn.text("/error")).isEqualTo("unavailable");
				}

				EmbeddedPostgresServer restarted = EmbeddedPostgresServer.start(this.postgresDir, "porchlight", false,
						pgPort);
				try {
					awaitArchived(jdbc, conversation, 15);
					assertThat(jdbc.sql("select seq from message where conversation_id = cast(? as uuid) order by seq")
						.param(conversation)
						.query(Long.class)
						.list())
						.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 15).boxed().toList());
					// Ready again once the pool has a working connection (a probe right
					// after the restart may still meet one that died with the server).
					await("ready again").atMost(Duration.ofSeconds(30))
						.until(() -> HttpProbe.get(port, "/actuator/health/readiness").statusCode() == 200);
					// The outage counted nothing against the owner: not throttled, and no
					// failed sign-in in the audit log.
					ApiClient.Response signIn = new ApiClient(port).signIn(owner.value(), PASSWORD);
					assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
					assertThat(app.getBean(AuditLog.class).latest(100))
						.filteredOn((event) -> owner.value().equals(event.actorLabel()))
						.extracting(AuditEvent::action)
						.containsExactly("auth.signed_in");
				}
				finally {
					app.close();
					restarted.close();
				}
			}
		}
		finally {
			if (app.isActive()) {
				app.close();
			}
		}
	}

	private static void awaitArchived(JdbcClient jdbc, String conversation, long count) {
		await("%d messages archived".formatted(count)).atMost(Duration.ofSeconds(30))
			// PostgreSQL may still be coming back
			.ignoreExceptions()
			.until(() -> jdbc.sql("select count(*) from message where conversation_id = cast(? as uuid)")
				.param(conversation)
				.query(Long.class)
				.single(), (archived) -> archived == count);
	}

	private static HttpResponse<String> postMail(int port, String json) throws Exception {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/email/inbound"))
			.header("Content-Type", "application/json")
			.header("X-Porchlight-Signature", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.timeout(Duration.ofSeconds(30))
			.build();
		try (HttpClient client = HttpClient.newHttpClient()) {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

}
