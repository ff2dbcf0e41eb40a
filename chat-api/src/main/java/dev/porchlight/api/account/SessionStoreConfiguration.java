package dev.porchlight.api.account;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureRedisAction;

/**
 * Staff sessions: Spring Session's indexed Redis repository (indexed by account, so any
 * node serves any request and a password change can end every session of an account at
 * once), and in front of it, for requests, {@link LazyTouchSessionRepository}, which
 * saves a request's last access at most once a minute.
 * <p>
 * Configured here rather than by Spring Boot because Boot steps back as soon as the
 * application has a session repository of its own, and the session filter must get the
 * lazy one (it is primary; {@link StaffSessions} gets it too,
 * {@link ExpiredSessionsCleanup} the Redis one). What Boot's configuration did and
 * Porchlight uses is kept: the idle timeout {@code spring.session.timeout}, and no
 * clean-up scheduler of the repository's own ({@link ExpiredSessionsCleanup} runs it on
 * the application's scheduler). The repository itself, and the listener container of its
 * events, are configured with the storage adapters, in chat-persistence's
 * {@code dev.porchlight.persistence.session.RedisSessionStoreConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class SessionStoreConfiguration {

	/** How stale a session's stored last access may be before a request moves it. */
	static final Duration LAST_ACCESS_PRECISION = Duration.ofMinutes(1);

	@Bean
	SessionRepositoryCustomizer<RedisIndexedSessionRepository> sessionTimeout(
			@Value("${spring.session.timeout:12h}") Duration timeout) {
		return (sessions) -> sessions.setDefaultMaxInactiveInterval(timeout);
	}

	/**
	 * On a managed Redis that forbids {@code CONFIG} the operator enables keyspace
	 * notifications and sets Boot's own property for that,
	 * {@code spring.session.data.redis.configure-action=none}; Boot reads it only in the
	 * configuration this class replaces, so it is honoured here.
	 * @return an action that leaves Redis' configuration alone
	 */
	@Bean
	@ConditionalOnProperty(name = "spring.session.data.redis.configure-action", havingValue = "none")
	ConfigureRedisAction leaveRedisConfigurationAlone() {
		return ConfigureRedisAction.NO_OP;
	}

	@Bean
	@Primary
	LazyTouchSessionRepository<?> lazyTouchSessionRepository(RedisIndexedSessionRepository sessions) {
		return new LazyTouchSessionRepository<>(sessions, LAST_ACCESS_PRECISION);
	}

}
