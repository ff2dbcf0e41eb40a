package dev.porchlight.api.account;

import java.util.concurrent.Executor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * How Spring Session handles the Redis events it listens to (keyspace events of expired
 * and deleted keys). Left alone, it starts a new platform thread for every event, and
 * Redis announces every expiry and deletion of any key (rate-limit windows, archive
 * leases), not only of sessions: under chat load that was a thousand thread starts a
 * minute per node. A virtual thread per event costs next to nothing.
 */
@Configuration(proxyBeanMethods = false)
class SessionEventsConfiguration {

	@Bean
	Executor springSessionRedisTaskExecutor() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("session-event-");
		executor.setVirtualThreads(true);
		return executor;
	}

}
