package dev.porchlight.persistence.session;

import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * use, the executor of session events) are in chat-api's {@code account} package. Only in
 * a web application: the persistence module's own tests run without sessions.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class RedisSessionStoreConfiguration extends RedisIndexedHttpSessionConfiguration {

	private @Nullable Executor taskExecutor;

	private @Nullable Executor subscriptionExecutor;

	public RedisSessionStoreConfiguration() {
		setCleanupCron(Scheduled.CRON_DISABLED);
	}

	/**
	 * The executor the container hands events to, as Spring Session's configuration takes
	 * it (a bean of this name, if there is one).
	 */
	@Override
	@Autowired(required = false)
	public void setRedisTaskExecutor(@Qualifier("springSessionRedisTaskExecutor") Executor executor) {
		super.setRedisTaskExecutor(executor);
		this.taskExecutor = executor;
	}

	/** The executor the container subscribes on, likewise. */
	@Override
	@Autowired(required = false)
	public void setRedisSubscriptionExecutor(@Qualifier("springSessionRedisSubscriptionExecutor") Executor executor) {
		super.setRedisSubscriptionExecutor(executor);
		this.subscriptionExecutor = executor;
	}

	/**
	 * Spring Session's listener container, as its configuration builds it (the sessions'
	 * deleted, expired and created channels, events handed to its executors), but one
	 * that subscribes again when its connection fails.
	 * @param sessions the repository that turns the events into application events
	 * @return the container
	 */
	@Bean
	@Override
	public RedisMessageListenerContainer springSessionRedisMessageListenerContainer(
			RedisIndexedSessionRepository sessions) {
		RedisMessageListenerContainer container = new ResubscribingListenerContainer();
		container.setConnectionFactory(getRedisConnectionFactory());
		if (this.taskExecutor != null) {
			container.setTaskExecutor(this.taskExecutor);
		}
		if (this.subscriptionExecutor != null) {
			container.setSubscriptionExecutor(this.subscriptionExecutor);
		}
		container.addMessageListener(sessions, List.of(new ChannelTopic(sessions.getSessionDeletedChannel()),
				new ChannelTopic(sessions.getSessionExpiredChannel())));
		container.addMessageListener(sessions,
				List.of(new PatternTopic(sessions.getSessionCreatedChannelPrefix() + "*")));
		return container;
	}

}
