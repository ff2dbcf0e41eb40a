package dev.porchlight.persistence.conversation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;
import org.springframework.stereotype.Repository;

/**
 * Live events over Redis Pub/Sub: a channel per conversation (its log entries, staff
 * typing, read markers; only nodes following the conversation subscribe), the inbox
 * channel (states, visitors typing, read markers; only nodes with staff sockets), and the
 * nodes channel (availability, presence, ended sessions). The scripts in
 * {@code redis/*.lua} publish what a change means in the step that makes it; this class
 * publishes what a node originates, keeps the node's subscriptions, and hands every
 * event, decoded by {@link LiveEventCodec}, to the node's receiver.
 *
 * <p>
 * Events are decoded and handed on by one thread, in the order Redis delivered them.
 * Pub/Sub reaches only nodes subscribed at that moment; receivers tolerate a lost event
 * (log entries are gap-filled from the log).
 */
@Repository
class RedisLiveEvents implements LiveEvents, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RedisLiveEvents.class);

	private final StringRedisTemplate redis;

	private final RedisMessageListenerContainer container;

	private final ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(), Thread.ofPlatform().name("live-events").daemon().factory());

	// One listener per conversation: the container keeps each listener's topics in a
	// copy-on-write set, which one listener for thousands of channels would make slow.
	private final Map<ConversationId, MessageListener> conversations = new ConcurrentHashMap<>();

	private final MessageListener inbox = (message, pattern) -> onInbox(message, pattern);

	private final Duration timeout;

	private volatile Consumer<LiveEvent> receiver = (event) -> {
	};

	private volatile boolean inboxFollowed;

	RedisLiveEvents(StringRedisTemplate redis, RedisConnectionFactory connections) {
		this.redis = redis;
		this.timeout = (connections instanceof LettuceConnectionFactory lettuce)
				? lettuce.getClientConfiguration().getCommandTimeout() : Duration.ofSeconds(2);
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connections);
		// One delivery thread keeps events in publishing order.
		this.container.setTaskExecutor(new ConcurrentTaskExecutor(this.delivery));
		this.container.addMessageListener((message, pattern) -> deliver(message, LiveEventCodec::nodesEvent),
				new ChannelTopic(RedisKeys.NODES_CHANNEL));
		this.container.afterPropertiesSet();
		this.container.start();
	}

	@Override
	public void listen(Consumer<LiveEvent> receiver) {
		this.receiver = receiver;
	}

	@Override
	public void publish(LiveEvent.Signal signal) {
		LiveEventCodec.Encoded event = LiveEventCodec.encode(signal);
		this.redis.convertAndSend(event.channel(), event.payload());
	}

	@Override
	public void follow(ConversationId conversation) {
		if (this.conversations.containsKey(conversation)) {
			return;
		}
		MessageListener listener = (message, pattern) -> onConversation(conversation, message);
		if (this.conversations.putIfAbsent(conversation, listener) != null) {
			return;
		}
		try {
			subscribe(listener, new ChannelTopic(RedisKeys.channel(conversation)));
		}
		catch (RuntimeException ex) {
			this.conversations.remove(conversation, listener);
			throw ex;
		}
	}

	@Override
	public void unfollow(ConversationId conversation) {
		MessageListener listener = this.conversations.remove(conversation);
		if (listener != null) {
			this.container.removeMessageListener(listener, new ChannelTopic(RedisKeys.channel(conversation)));
		}
	}

	@Override
	public synchronized void followInbox(boolean on) {
		if (on == this.inboxFollowed) {
			return;
		}
		if (on) {
			subscribe(this.inbox, new ChannelTopic(RedisKeys.INBOX_CHANNEL));
		}
		else {
			this.container.removeMessageListener(this.inbox, new ChannelTopic(RedisKeys.INBOX_CHANNEL));
		}
		this.inboxFollowed = on;
	}

	@Override
	public int backlog() {
		return this.delivery.getQueue().size();
	}

	/**
	 * Subscribes and waits for Redis to confirm, but not longer than a command may take.
	 * A subscription confirmed after that is taken back.
	 */
	private void subscribe(MessageListener listener, ChannelTopic topic) {
		CompletableFuture<Void> subscribed = CompletableFuture.runAsync(
				() -> this.container.addMessageListener(listener, topic),
				(task) -> Thread.ofVirtual().name("live-subscribe").start(task));
		try {
			subscribed.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			takeBack(listener, topic, subscribed);
			throw new RedisConnectionFailureException("Interrupted while subscribing", ex);
		}
		catch (TimeoutException ex) {
			takeBack(listener, topic, subscribed);
			throw new QueryTimeoutException("Redis did not confirm a subscription within " + this.timeout, ex);
		}
		catch (ExecutionException ex) {
			takeBack(listener, topic, subscribed);
			throw new RedisConnectionFailureException("Subscribing failed: " + ex.getCause(), ex.getCause());
		}
	}

	private void takeBack(MessageListener listener, ChannelTopic topic, CompletableFuture<Void> subscribed) {
		subscribed.whenComplete((done, failure) -> this.container.removeMessageListener(listener, topic));
	}

	// Package-private for the micro-benchmarks, which feed messages in directly.
	void onConversation(ConversationId conversation, Message message) {
		deliver(message, (payload) -> LiveEventCodec.conversationEvent(conversation, payload));
	}

	void onInbox(Message message, byte @Nullable [] pattern) {
		deliver(message, LiveEventCodec::inboxEvent);
	}

	private void deliver(Message message, Function<byte[], @Nullable LiveEvent> decode) {
		LiveEvent event;
		try {
			event = decode.apply(message.getBody());
		}
		catch (RuntimeException ex) {
			log.warn("Ignoring an undecodable live event: {}", ex.toString());
			return;
		}
		if (event == null) {
			// An event of a type from a node of another release.
			return;
		}
		try {
			this.receiver.accept(event);
		}
		catch (RuntimeException ex) {
			log.warn("A live event could not be delivered: {}", ex.toString());
		}
	}

	@Override
	public void destroy() throws Exception {
		this.container.destroy();
		this.delivery.shutdownNow();
	}

}
