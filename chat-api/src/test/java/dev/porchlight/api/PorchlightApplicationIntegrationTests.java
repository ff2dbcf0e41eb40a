package dev.porchlight.api;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.persistence.embedded.DataDirectory;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@UseRealEngines
@ExtendWith(OutputCaptureExtension.class)
class PorchlightApplicationIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Accounts accounts;

	@Autowired
	AuditLog audit;

	@Autowired
	PasswordEncoder encoder;

	@Autowired
	ApplicationContext context;

	@Test
	void readinessChecksPostgresAndRedisWhileLivenessDependsOnNeither() {
		HttpResponse<String> readiness = HttpProbe.get(this.port, "/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("\"db\"").contains("\"redis\"");
		HttpResponse<String> liveness = HttpProbe.get(this.port, "/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(liveness.body()).contains("\"status\":\"UP\"").doesNotContain("\"db\"").doesNotContain("\"redis\"");
	}

	@Test
	void servesTheDemoStoreAndPrometheusMetrics() {
		HttpResponse<String> landing = HttpProbe.get(this.port, "/");
		assertThat(landing.statusCode()).isEqualTo(200);
		// The widget's loader is the page's only script, and it is not inline.
		assertThat(landing.body()).contains("Porchlight's demo store")
			.containsOnlyOnce("<script")
			.contains("<script src=\"/widget.js\"");
		HttpResponse<String> metrics = HttpProbe.get(this.port, "/actuator/prometheus");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");
	}

	@Test
	void errorsNeverShowAStackTrace() {
		HttpResponse<String> missing = HttpProbe.get(this.port, "/assets/no-such-file.css");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.body()).doesNotContain("Exception").doesNotContain("at dev.porchlight");
		HttpResponse<String> unknown = HttpProbe.get(this.port, "/no/such/page");
		assertThat(unknown.statusCode()).as("default deny").isEqualTo(401);
		assertThat(unknown.body()).contains("\"error\":\"unauthenticated\"").doesNotContain("Exception");
	}

	@Test
	void usesTheTestEnginesInsteadOfStartingEmbeddedOnes() {
		assertThat(this.context.getBeanNamesForType(EmbeddedPostgresServer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(EmbeddedRedisServer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DataDirectory.class)).isEmpty();
	}

	@Test
	void createsTheOwnerWithAOneTimePasswordPrintedOnce(CapturedOutput output) {
		Account owner = this.accounts.findByEmail(new EmailAddress("owner@porchlight.localhost")).orElseThrow();
		assertThat(owner.passwordMustChange()).isTrue();
		assertThat(owner.passwordHash()).startsWith("{bcrypt}");
		Matcher printed = Pattern.compile("one-time password:\\s+(\\S+)").matcher(output.getAll());
		assertThat(printed.find()).as("the generated password is printed").isTrue();
		String password = printed.group(1);
		assertThat(password).hasSize(20);
		assertThat(this.encoder.matches(password, owner.passwordHash())).isTrue();
		assertThat(printed.find()).as("printed only once").isFalse();
		assertThat(this.audit.latest(10)).anySatisfy((event) -> {
			assertThat(event.action()).isEqualTo("account.created");
			assertThat(event.actor()).isEqualTo(owner.id());
		});
	}

}
