package dev.porchlight.api;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.porchlight.persistence.embedded.DataDirectory;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.testing.RealEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Points the application at "other servers" through the same environment variables an
 * operator would set, and checks that it uses them and starts no engine of its own.
 */
class ExternalEnginesIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void environmentVariablesSelectExternalEnginesAndNoEmbeddedEngineStarts() {
		RealEngines.Isolated external = RealEngines.get().isolated("external");
		Map<String, Object> variables = new HashMap<>(System.getenv());
		variables.put("SPRING_DATASOURCE_URL", external.postgres().getJdbcUrl());
		variables.put("SPRING_DATASOURCE_USERNAME", external.postgres().getUsername());
		variables.put("SPRING_DATASOURCE_PASSWORD", external.postgres().getPassword());
		variables.put("SPRING_DATA_REDIS_URL", "redis://:" + external.redis().getPassword() + "@"
				+ external.redis().host() + ":" + external.redis().port() + "/" + external.redis().database());
		variables.put("PORCHLIGHT_EMBEDDED_DATA_DIR", this.dataDir.toString());
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(PorchlightApplication.class)
			.environment(environmentWith(variables))
			.run("--server.port=0")) {
			assertThat(app.getBeanNamesForType(EmbeddedPostgresServer.class)).isEmpty();
			assertThat(app.getBeanNamesForType(EmbeddedRedisServer.class)).isEmpty();
			assertThat(app.getBeanNamesForType(DataDirectory.class)).isEmpty();
			assertThat(this.dataDir).isEmptyDirectory();
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			assertThat(HttpProbe.get(port, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
			app.getBean(StringRedisTemplate.class).opsForValue().set("written-through-env", "yes");
		}
		// What the application wrote is in the external engines.
		try (ConfigurableApplicationContext check = new SpringApplicationBuilder(PorchlightApplication.class)
			.environment(environmentWith(variables))
			.run("--server.port=0")) {
			assertThat(check.getBean(StringRedisTemplate.class).opsForValue().get("written-through-env"))
				.isEqualTo("yes");
		}
	}

	private static StandardEnvironment environmentWith(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		return environment;
	}

}
