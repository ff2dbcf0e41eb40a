package dev.porchlight.persistence.embedded;

import java.util.Properties;
import java.util.UUID;

import dev.porchlight.domain.email.Mailbox;
import org.springframework.core.env.Environment;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Starts real PostgreSQL and Redis inside the process when none is configured, so that
 * {@code java -jar} with no settings gives a working, persistent Porchlight. Each engine
 * is decided on its own: configuring {@code spring.datasource.url} (or providing a
 * {@link JdbcConnectionDetails} bean) means no embedded PostgreSQL, configuring
 * {@code spring.data.redis.*} (or a {@link DataRedisConnectionDetails} bean) means no
 * embedded Redis. The engines are exposed as connection details, the same seam
 * Testcontainers' service connections use, so the rest of the application cannot tell the
 * difference.
 */
@AutoConfiguration(before = { DataSourceAutoConfiguration.class, DataRedisAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "porchlight.embedded.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EmbeddedEnginesProperties.class)
public class EmbeddedEnginesAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoExternalEngineCondition.Postgres.class)
	@ConditionalOnMissingBean(JdbcConnectionDetails.class)
	static class EmbeddedPostgresConfiguration {

		@Bean(destroyMethod = "close")
		EmbeddedPostgresServer embeddedPostgresServer(DataDirectory dataDirectory,
				EmbeddedEnginesProperties properties) {
			return EmbeddedPostgresServer.start(dataDirectory.engine("postgres"), properties.database(), true);
		}

		@Bean
		JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgresServer server) {
			return new EmbeddedJdbcConnectionDetails(server.jdbcUrl(), server.username(), server.password());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoExternalEngineCondition.Redis.class)
	@ConditionalOnMissingBean(DataRedisConnectionDetails.class)
	static class EmbeddedRedisConfiguration {

		@Bean(destroyMethod = "close")
		EmbeddedRedisServer embeddedRedisServer(DataDirectory dataDirectory, EmbeddedEnginesProperties properties) {
			return EmbeddedRedisServer.start(dataDirectory.engine("redis"), properties.redisAppendfsync(), List.of());
		}

		@Bean
		DataRedisConnectionDetails embeddedRedisConnectionDetails(EmbeddedRedisServer server) {
			return new EmbeddedRedisConnectionDetails(server.host(), server.port(), 0, server.password());
		}

	}

	/**
	 * A local SMTP and IMAP server when no mail server is configured
	 * ({@code spring.mail.host}), so replies reach visitors who left and their answers
	 * come back, out of the box (docs/email.md).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(NoExternalEngineCondition.Mail.class)
	@ConditionalOnBooleanProperty(name = "porchlight.embedded.mail", matchIfMissing = true)
	@ConditionalOnMissingBean(JavaMailSender.class)
	static class EmbeddedMailConfiguration {

		@Bean(destroyMethod = "close")
		EmbeddedMailServer embeddedMailServer(Environment environment) {
			String shop = environment.getProperty("porchlight.email.address", EmbeddedMailServer.DEFAULT_SHOP_ADDRESS);
			return EmbeddedMailServer.start(shop, UUID.randomUUID().toString());
		}

		@Bean
		JavaMailSenderImpl embeddedMailSender(EmbeddedMailServer server) {
			JavaMailSenderImpl sender = new JavaMailSenderImpl();
			sender.setHost(server.host());
			sender.setPort(server.smtpPort());
			sender.setDefaultEncoding("UTF-8");
			Properties properties = sender.getJavaMailProperties();
			properties.put("mail.smtp.connectiontimeout", "5000");
			properties.put("mail.smtp.timeout", "10000");
			properties.put("mail.smtp.writetimeout", "10000");
			return sender;
		}

		@Bean
		Mailbox embeddedShopMailbox(EmbeddedMailServer server) {
			return new Mailbox(server.host(), server.imapPort(), false, server.shopAddress(), server.shopPassword(),
					"INBOX", true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoExternalEngineCondition.Any.class)
	static class DataDirectoryConfiguration {

		// Destroyed after the engines, which depend on it: the lock is held until both
		// stopped.
		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		DataDirectory porchlightDataDirectory(EmbeddedEnginesProperties properties) {
			return DataDirectory.lock(properties.dataDir());
		}

	}

}
