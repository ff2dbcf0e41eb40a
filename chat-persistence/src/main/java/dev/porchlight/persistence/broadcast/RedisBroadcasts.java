package dev.porchlight.persistence.broadcast;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import dev.porchlight.domain.broadcast.Broadcasts;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Repository;

/**
 * Broadcasts over Redis Pub/Sub on one channel. Pub/Sub reaches every node subscribed at
 * that moment and nobody else; a node that was disconnected misses what was published
 * meanwhile, which receivers must (and do) tolerate.
 */
@Repository
class RedisBroadcasts implements Broadcasts, DisposableBean {

	static final String CHANNEL = "pl:events";

	private final StringRedisTemplate redis;

	private final RedisMessageListenerContainer container;

	private final ExecutorService delivery = Executors
		.newSingleThreadExecutor(Thread.ofPlatform().name("broadcasts").daemon().factory());

	RedisBroadcasts(StringRedisTemplate redis, RedisConnectionFactory connections) {
		this.redis = redis;
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connections);
		// One delivery thread keeps events in publishing order; receivers only queue
		// work.
		this.container.setTaskExecutor(new ConcurrentTaskExecutor(this.delivery));
		this.container.afterPropertiesSet();
		this.container.start();
	}

	@Override
	public void publish(String payload) {
		this.redis.convertAndSend(CHANNEL, payload);
	}

	@Override
	public void subscribe(Consumer<String> receiver) {
		this.container.addMessageListener(
				(message, pattern) -> receiver.accept(new String(message.getBody(), StandardCharsets.UTF_8)),
				new ChannelTopic(CHANNEL));
	}

	@Override
	public void destroy() throws Exception {
		this.container.destroy();
		this.delivery.shutdownNow();
	}

}
