package dev.porchlight.api.account;

import java.util.concurrent.Executor;

import dev.porchlight.api.PorchlightTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Session's listener container hands Redis events to the session-event executor (a
 * virtual thread each), not to a new platform thread per event: Redis announces every
 * expiry and deletion of any key to it.
 */
@PorchlightTest
class SessionEventsIntegrationTests {

	@Autowired
	@Qualifier("springSessionRedisMessageListenerContainer")
	RedisMessageListenerContainer container;

	@Autowired
	@Qualifier("springSessionRedisTaskExecutor")
	Executor sessionEvents;

	@Test
	void theSessionsListenerContainerUsesTheSessionEventExecutor() {
		assertThat(ReflectionTestUtils.getField(this.container, "taskExecutor")).isSameAs(this.sessionEvents);
		assertThat(this.container.isListening()).isTrue();
	}

}
