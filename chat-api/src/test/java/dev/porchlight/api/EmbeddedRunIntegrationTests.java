package dev.porchlight.api;

import java.nio.file.Path;
import java.util.UUID;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.persistence.embedded.DataDirectoryInUseException;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the real application the way the README's run command does: no datasource, no
 * Redis configured, so it starts its own engines in the data directory.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedRunIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void keepsEverythingAcrossARestartOnTheSameDataDirectory(CapturedOutput output) {
		UUID ownerId;
		String marker = UUID.randomUUID().toString();
		try (ConfigurableApplicationContext first = start()) {
			assertThat(first.getBeanNamesForType(EmbeddedPostgresServer.class)).hasSize(1);
			assertThat(first.getBeanNamesForType(EmbeddedRedisServer.class)).hasSize(1);
			int port = first.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			assertThat(HttpProbe.get(port, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
			ownerId = owner(first).id().value();
			first.getBean(StringRedisTemplate.class).opsForValue().set("restart-marker", marker);
			first.getBean(JdbcClient.class)
				.sql("insert into tag (id, name, created_at) values (?, 'vip', now())")
				.param(UUID.randomUUID())
				.update();
		}
		assertThat(countOccurrences(output.getAll(), "one-time password:")).isEqualTo(1);
		try (ConfigurableApplicationContext second = start()) {
			assertThat(owner(second).id().value()).isEqualTo(ownerId);
			assertThat(second.getBean(Accounts.class).count()).isEqualTo(1);
			assertThat(second.getBean(StringRedisTemplate.class).opsForValue().get("restart-marker")).isEqualTo(marker);
			assertThat(second.getBean(JdbcClient.class).sql("select name from tag").query(String.class).list())
				.containsExactly("vip");
		}
		assertThat(countOccurrences(output.getAll(), "one-time password:")).as("no second owner, no second password")
			.isEqualTo(1);
	}

	@Test
	void aSecondInstanceOnTheSameDataDirectoryRefusesToStart(CapturedOutput output) {
		try (ConfigurableApplicationContext first = start()) {
			assertThatThrownBy(this::start).hasRootCauseInstanceOf(DataDirectoryInUseException.class);
			assertThat(first.isRunning()).isTrue();
			assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
				.contains("is in use by another running Porchlight instance")
				.contains("porchlight.embedded.data-dir");
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(PorchlightApplication.class).run("--server.port=0",
				"--porchlight.embedded.data-dir=" + this.dataDir, "--spring.datasource.hikari.maximum-pool-size=4");
	}

	private static Account owner(ConfigurableApplicationContext context) {
		return context.getBean(Accounts.class)
			.findByEmail(new EmailAddress("owner@porchlight.localhost"))
			.orElseThrow();
	}

	private static int countOccurrences(String text, String needle) {
		int count = 0;
		for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
			count++;
		}
		return count;
	}

}
