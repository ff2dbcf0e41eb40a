package dev.porchlight.api.live;

import io.lettuce.core.ClientOptions;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the live path behaves while Redis is unreachable: refuse at once rather than queue.
 * Lettuce's default keeps commands in memory until Redis returns (or a long timeout
 * passes), which would leave a visitor's "Sending…" hanging with no answer; with commands
 * rejected, the socket answers {@code error unavailable} with a retry time within the
 * command timeout ({@code spring.data.redis.timeout}), readiness goes down, and the
 * client resends with the same client id once Redis is back.
 */
@Configuration(proxyBeanMethods = false)
class LiveStorageConfiguration {

	@Bean
	LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
		return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true);
	}

}
