package dev.porchlight.persistence.session;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.annotation.web.http.RedisIndexedHttpSessionConfiguration;

/**
 * Staff sessions in Redis: Spring Session's indexed repository and what comes with it, as
 * {@code @EnableRedisIndexedHttpSession(cleanupCron = Scheduled.CRON_DISABLED)} would
 * configure them (the server cleans up expired sessions on its own scheduler), with one
 * difference: the listener container of the sessions' events subscribes again after a
 * failed connection ({@link ResubscribingListenerContainer}). The configuration is
 * extended rather than imported with the annotation so that its container can be
 * replaced. The server's own session beans (the idle timeout, the repository requests
 * use) are in chat-api's {@code SessionStoreConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class RedisSessionStoreConfiguration extends RedisIndexedHttpSessionConfiguration {

	public RedisSessionStoreConfiguration() {
		setCleanupCron(Scheduled.CRON_DISABLED);
	}

	/**
	 * Spring Session's listener container, as its configuration builds it (the sessions'
	 * deleted, expired and created channels), but one that subscribes again when its
	 * connection fails.
	 * @param sessions the repository that turns the events into application events
	 * @return the container
	 */
	@Bean
	@Override
	public RedisMessageListenerContainer springSessionRedisMessageListenerContainer(
			RedisIndexedSessionRepository sessions) {
		RedisMessageListenerContainer container = new ResubscribingListenerContainer();
		container.setConnectionFactory(getRedisConnectionFactory());
		container.addMessageListener(sessions, List.of(new ChannelTopic(sessions.getSessionDeletedChannel()),
				new ChannelTopic(sessions.getSessionExpiredChannel())));
		container.addMessageListener(sessions,
				List.of(new PatternTopic(sessions.getSessionCreatedChannelPrefix() + "*")));
		return container;
	}

}
