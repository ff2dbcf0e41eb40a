package dev.porchlight.persistence.embedded;

import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when the standard Spring Boot properties name no external engine. Environment
 * variables count too ({@code SPRING_DATASOURCE_URL}, {@code SPRING_DATA_REDIS_URL}, ...)
 * through Spring's relaxed binding.
 */
abstract class NoExternalEngineCondition extends SpringBootCondition {

	static final List<String> POSTGRES_PROPERTIES = List.of("spring.datasource.url", "spring.datasource.jndi-name");

	static final List<String> REDIS_PROPERTIES = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.sentinel.master", "spring.data.redis.masterreplica.nodes");

	private final String engine;

	private final List<String> properties;

	NoExternalEngineCondition(String engine, List<String> properties) {
		this.engine = engine;
		this.properties = properties;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		for (String property : this.properties) {
			if (StringUtils.hasText(environment.getProperty(property))) {
				return ConditionOutcome.noMatch("external " + this.engine + " configured by " + property);
			}
		}
		return ConditionOutcome.match("no external " + this.engine + " configured");
	}

	static boolean configured(ConditionContext context, List<String> properties, Class<?> connectionDetails) {
		for (String property : properties) {
			if (StringUtils.hasText(context.getEnvironment().getProperty(property))) {
				return true;
			}
		}
		ConfigurableListableBeanFactory beans = context.getBeanFactory();
		return beans != null && beans.getBeanNamesForType(connectionDetails, true, false).length > 0;
	}

	static class Postgres extends NoExternalEngineCondition {

		Postgres() {
			super("PostgreSQL", POSTGRES_PROPERTIES);
		}

	}

	static class Mail extends NoExternalEngineCondition {

		Mail() {
			super("mail server", List.of("spring.mail.host", "spring.mail.jndi-name"));
		}

	}

	static class Redis extends NoExternalEngineCondition {

		Redis() {
			super("Redis", REDIS_PROPERTIES);
		}

	}

	/**
	 * Matches when at least one engine will be embedded, so the data directory is needed.
	 */
	static class Any extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean postgres = configured(context, POSTGRES_PROPERTIES, JdbcConnectionDetails.class);
			boolean redis = configured(context, REDIS_PROPERTIES, DataRedisConnectionDetails.class);
			return (postgres && redis) ? ConditionOutcome.noMatch("both engines are external")
					: ConditionOutcome.match("at least one engine is embedded");
		}

	}

}
