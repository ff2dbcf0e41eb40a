package dev.porchlight.persistence.embedded;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedEnginesAutoConfigurationIntegrationTests {

	@TempDir
	Path dataDir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EmbeddedEnginesAutoConfiguration.class));

	@Test
	void startsBothEnginesWhenNothingIsConfigured() {
		this.runner.withPropertyValues("porchlight.embedded.data-dir=" + this.dataDir).run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedPostgresServer.class).hasSingleBean(EmbeddedRedisServer.class);
			assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
				.startsWith("jdbc:postgresql://localhost:")
				.endsWith("/porchlight");
			assertThat(context.getBean(DataRedisConnectionDetails.class).getStandalone().getHost())
				.isEqualTo("127.0.0.1");
			assertThat(this.dataDir.resolve("postgres/PG_VERSION")).exists();
			assertThat(this.dataDir.resolve(DataDirectory.LOCK_FILE)).exists();
		});
	}

	@Test
	void startsNoEngineWhenBothAreConfigured() {
		this.runner
			.withPropertyValues("porchlight.embedded.data-dir=" + this.dataDir,
					"spring.datasource.url=jdbc:postgresql://db.internal:5432/porchlight",
					"spring.data.redis.url=redis://redis.internal:6379")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
					.doesNotHaveBean(EmbeddedRedisServer.class)
					.doesNotHaveBean(DataDirectory.class);
				assertThat(this.dataDir).isEmptyDirectory();
			});
	}

	@Test
	void environmentVariablesCountAsConfiguration() {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.internal:5432/porchlight",
								"SPRING_DATA_REDIS_HOST", "redis.internal"))))
			.withPropertyValues("porchlight.embedded.data-dir=" + this.dataDir)
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
				.doesNotHaveBean(EmbeddedRedisServer.class));
	}

	@Test
	void eachEngineIsDecidedOnItsOwn() {
		this.runner
			.withPropertyValues("porchlight.embedded.data-dir=" + this.dataDir,
					"spring.data.redis.url=redis://redis.internal:6379")
			.run((context) -> assertThat(context).hasSingleBean(EmbeddedPostgresServer.class)
				.doesNotHaveBean(EmbeddedRedisServer.class));
	}

	@Test
	void canBeSwitchedOffEntirely() {
		this.runner.withPropertyValues("porchlight.embedded.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(EmbeddedPostgresServer.class)
				.doesNotHaveBean(EmbeddedRedisServer.class);
		});
	}

}
