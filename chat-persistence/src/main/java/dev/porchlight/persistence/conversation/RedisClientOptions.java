package dev.porchlight.persistence.conversation;

import io.lettuce.core.TimeoutOptions;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lettuce times out every command itself, after the command timeout
 * ({@code spring.data.redis.timeout}), so a command Redis never answers fails with a
 * timeout even when nobody waits for it with a deadline ({@link LettuceFutures}).
 */
@Configuration(proxyBeanMethods = false)
class RedisClientOptions {

	@Bean
	LettuceClientOptionsBuilderCustomizer commandTimeouts() {
		return (builder) -> builder.timeoutOptions(TimeoutOptions.enabled());
	}

}
