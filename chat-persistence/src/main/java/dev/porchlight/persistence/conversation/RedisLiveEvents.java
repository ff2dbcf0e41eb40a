package dev.porchlight.persistence.conversation;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
 * channel (summaries, visitors typing, read markers; only nodes with staff sockets), and
 * the nodes channel (availability, presence, ended sessions). The scripts in
 * {@code redis/*.lua} publish what a change means in the step that makes it; this class
 * publishes what a node originates and decodes everything into {@link LiveEvent}s.
 *
 * <p>
 * Messages are decoded and handed on by one thread, in the order Redis delivered them.
 * Pub/Sub reaches only nodes subscribed at that moment; receivers tolerate a lost event
 * (log entries are gap-filled from the log).
 */
@Repository
class RedisLiveEvents implements LiveEvents, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(RedisLiveEvents.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final StringRedisTemplate redis;

	private final RedisMessageListenerContainer container;

	private final ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new LinkedBlockingQueue<>(), Thread.ofPlatform().name("live-events").daemon().factory());

	private final Map<ConversationId, MessageListener> conversations = new ConcurrentHashMap<>();

	private final MessageListener inbox = this::onInbox;

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
		this.container.addMessageListener(this::onNodes, new ChannelTopic(RedisKeys.NODES_CHANNEL));
		this.container.afterPropertiesSet();
		this.container.start();
	}

	@Override
	public void listen(Consumer<LiveEvent> receiver) {
		this.receiver = receiver;
	}

	@Override
	public void publish(LiveEvent.Signal signal) {
		ObjectNode event = JSON.createObjectNode();
		String channel = switch (signal) {
			case LiveEvent.Typing typing -> {
				event.put("t", "y");
				event.put("id", typing.id().toString());
				event.put("side", typing.side().name());
				event.put("typing", typing.typing());
				event.put("draft", typing.draft());
				event.put("name", typing.name());
				// Visitors' typing shows in every staff inbox; staff typing only to the
				// visitor's sockets that follow the conversation.
				yield (typing.side() == Sender.Kind.VISITOR) ? RedisKeys.INBOX_CHANNEL : RedisKeys.channel(typing.id());
			}
			case LiveEvent.StaffAvailability availability -> {
				event.put("t", "a");
				event.put("available", availability.available());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.VisitorPresence presence -> {
				event.put("t", "v");
				event.put("visitor", presence.visitor().toString());
				event.put("online", presence.online());
				event.put("page", presence.page());
				event.put("title", presence.title());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.SessionEnded ended -> {
				event.put("t", "x");
				event.put("session", ended.digest());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.SessionsEnded ended -> {
				event.put("t", "X");
				event.put("account", ended.account().toString());
				yield RedisKeys.NODES_CHANNEL;
			}
		};
		this.redis.convertAndSend(channel, JSON.writeValueAsString(event));
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

	// Package-private for the micro-benchmarks, which feed messages in directly.
	void onConversation(ConversationId conversation, Message message) {
		JsonNode event = read(message);
		if (event == null) {
			return;
		}
		switch (event.path("t").asString("")) {
			case "e" -> deliver(new LiveEvent.EntryAdded(
					LiveSchema.entry(conversation, event.path("seq").asLong(), fields(event))));
			case "r" -> deliver(readMarked(conversation, event, false));
			case "y" -> deliver(typing(conversation, event));
			default -> log.debug("Ignoring a conversation event of unknown type");
		}
	}

	void onInbox(Message message, byte @Nullable [] pattern) {
		JsonNode event = read(message);
		if (event == null) {
			return;
		}
		ConversationId id = ConversationId.parse(event.path("id").asString());
		switch (event.path("t").asString("")) {
			case "s" -> deliver(new LiveEvent.StateChanged(id, state(id, event.path("m"))));
			case "r" -> deliver(readMarked(id, event, true));
			case "y" -> deliver(typing(id, event));
			default -> log.debug("Ignoring an inbox event of unknown type");
		}
	}

	private void onNodes(Message message, byte @Nullable [] pattern) {
		JsonNode event = read(message);
		if (event == null) {
			return;
		}
		switch (event.path("t").asString("")) {
			case "a" -> deliver(new LiveEvent.StaffAvailability(event.path("available").asBoolean()));
			case "v" -> deliver(new LiveEvent.VisitorPresence(VisitorId.parse(event.path("visitor").asString()),
					event.path("online").asBoolean(), text(event, "page"), text(event, "title")));
			case "x" -> deliver(new LiveEvent.SessionEnded(event.path("session").asString()));
			case "X" -> deliver(new LiveEvent.SessionsEnded(AccountId.parse(event.path("account").asString())));
			// Events of nodes of an older version on the same Redis.
			default -> log.debug("Ignoring a node event of unknown type");
		}
	}

	private void deliver(LiveEvent event) {
		try {
			this.receiver.accept(event);
		}
		catch (RuntimeException ex) {
			log.warn("A live event could not be delivered: {}", ex.toString());
		}
	}

	private static @Nullable JsonNode read(Message message) {
		try {
			return JSON.readTree(message.getBody());
		}
		catch (RuntimeException ex) {
			log.warn("Ignoring an undecodable live event: {}", ex.toString());
			return null;
		}
	}

	private static LiveEvent.ReadMarked readMarked(ConversationId id, JsonNode event, boolean forStaff) {
		return new LiveEvent.ReadMarked(id, Sender.Kind.valueOf(event.path("side").asString()),
				event.path("seq").asLong(), forStaff);
	}

	private static LiveEvent.Typing typing(ConversationId id, JsonNode event) {
		return new LiveEvent.Typing(id, Sender.Kind.valueOf(event.path("side").asString()),
				event.path("typing").asBoolean(), text(event, "draft"), text(event, "name"));
	}

	/**
	 * The conversation's state, decoded when first asked for (and then kept).
	 */
	private static Supplier<LiveConversation> state(ConversationId id, JsonNode meta) {
		return new Supplier<>() {

			private @Nullable LiveConversation state;

			@Override
			public synchronized LiveConversation get() {
				if (this.state == null) {
					this.state = LiveSchema.state(id, fields(meta));
				}
				return this.state;
			}

		};
	}

	private static Map<String, String> fields(JsonNode object) {
		Map<String, String> fields = new HashMap<>();
		object.properties().forEach((field) -> {
			if (field.getValue().isValueNode()) {
				fields.put(field.getKey(), field.getValue().asString());
			}
		});
		return fields;
	}

	private static @Nullable String text(JsonNode event, String field) {
		JsonNode value = event.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	@Override
	public void destroy() throws Exception {
		this.container.destroy();
		this.delivery.shutdownNow();
	}

}
