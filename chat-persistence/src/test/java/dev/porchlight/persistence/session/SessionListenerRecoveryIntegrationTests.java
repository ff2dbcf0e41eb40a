package dev.porchlight.persistence.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The staff sessions' listener container subscribes again when its connection drops
 * between being opened and subscribing, on a real Redis behind a proxy that cuts the
 * first connection to send a subscription. Spring's own container, given the same fault,
 * fails to start: the node did not start once in CI for this reason.
 */
class SessionListenerRecoveryIntegrationTests {

	static final Duration DEADLINE = Duration.ofSeconds(20);

	static EmbeddedRedisServer redis;

	final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startRedis() {
		redis = EmbeddedRedisServer.start(null, AppendFsync.NO, List.of());
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void closeEverything() throws Exception {
		for (AutoCloseable closeable : this.opened.reversed()) {
			closeable.close();
		}
	}

	@Test
	void aConnectionCutBeforeItSubscribesIsReplacedAndTheContainerStarts() throws Exception {
		CuttingProxy proxy = open(new CuttingProxy(redis.port()));
		RedisMessageListenerContainer container = container(new ResubscribingListenerContainer(), proxy);
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		container.addMessageListener(
				(message, pattern) -> received.add(new String(message.getBody(), StandardCharsets.UTF_8)),
				new PatternTopic("sessions-test:*"));

		container.start();

		assertThat(container.isListening()).isTrue();
		assertThat(proxy.cut.get()).as("connections cut by the proxy").isEqualTo(1);
		publishUntilReceived("sessions-test:1", "hello", received);
	}

	@Test
	void springsOwnContainerDoesNotStartAfterTheSameCut() throws Exception {
		CuttingProxy proxy = open(new CuttingProxy(redis.port()));
		RedisMessageListenerContainer container = container(new RedisMessageListenerContainer(), proxy);
		container.addMessageListener((message, pattern) -> {
		}, new PatternTopic("sessions-test:*"));

		assertThatThrownBy(container::start).hasStackTraceContaining("RedisException");
		assertThat(proxy.cut.get()).isEqualTo(1);
	}

	/**
	 * A Redis that never lets a subscription through: the container gives up after its
	 * limit (here two seconds, in production twenty), so a node fails to start instead of
	 * retrying for ever.
	 */
	@Test
	void aConnectionCutEveryTimeEndsTheStartAfterTheLimit() throws Exception {
		CuttingProxy proxy = open(new CuttingProxy(redis.port(), Integer.MAX_VALUE));
		RedisMessageListenerContainer container = container(new ResubscribingListenerContainer(Duration.ofSeconds(2)),
				proxy);
		container.addMessageListener((message, pattern) -> {
		}, new PatternTopic("sessions-test:*"));

		long started = System.nanoTime();
		assertThatThrownBy(container::start).hasStackTraceContaining("Could not subscribe to Redis within 2 s")
			.hasStackTraceContaining("RedisException");

		assertThat(proxy.cut.get()).as("tries").isGreaterThan(2);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
	}

	@Test
	void onlyFailuresOfTheConnectionAreRetried() {
		assertThat(ResubscribingListenerContainer.isConnectionTrouble(new RedisSystemException("Redis exception",
				new RedisException("Currently not connected. Commands are rejected."))))
			.isTrue();
		assertThat(ResubscribingListenerContainer.isConnectionTrouble(new RedisSystemException("Error in execution",
				new RedisCommandExecutionException("NOPERM this user has no permissions"))))
			.isFalse();
		assertThat(ResubscribingListenerContainer.isConnectionTrouble(new IllegalStateException("not Redis")))
			.isFalse();
	}

	private void publishUntilReceived(String channel, String text, BlockingQueue<String> received)
			throws InterruptedException {
		LettuceConnectionFactory publisherFactory = factory(redis.port());
		StringRedisTemplate publisher = new StringRedisTemplate(publisherFactory);
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (System.nanoTime() < deadline) {
			publisher.convertAndSend(channel, text);
			String message = received.poll(200, TimeUnit.MILLISECONDS);
			if (message != null) {
				assertThat(message).isEqualTo(text);
				return;
			}
		}
		throw new AssertionError("no message on " + channel + " within " + DEADLINE);
	}

	private RedisMessageListenerContainer container(RedisMessageListenerContainer container, CuttingProxy proxy) {
		container.setConnectionFactory(factory(proxy.port()));
		container.setMaxSubscriptionRegistrationWaitingTime(DEADLINE.toMillis());
		container.afterPropertiesSet();
		this.opened.add(container::destroy);
		return container;
	}

	/**
	 * A connection factory as the application's: commands are rejected while the
	 * connection is down, and it reconnects ({@code LiveStorageConfiguration}).
	 */
	private LettuceConnectionFactory factory(int port) {
		RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(redis.host(), port);
		server.setPassword(redis.password());
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.autoReconnect(true)
				.build())
			.commandTimeout(Duration.ofSeconds(5))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
		factory.afterPropertiesSet();
		factory.start();
		this.opened.add(factory::destroy);
		return factory;
	}

	private <T extends AutoCloseable> T open(T closeable) {
		this.opened.add(closeable);
		return closeable;
	}

	/**
	 * Forwards connections to Redis, but closes the first ones that send a subscription
	 * (one, unless told otherwise) instead of passing it on.
	 */
	static final class CuttingProxy implements AutoCloseable {

		final AtomicInteger cut = new AtomicInteger();

		private final int cuts;

		private final ServerSocket server;

		private final int target;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		CuttingProxy(int target) throws IOException {
			this(target, 1);
		}

		CuttingProxy(int target, int cuts) throws IOException {
			this.target = target;
			this.cuts = cuts;
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread.ofVirtual().name("cutting-proxy").start(this::accept);
		}

		int port() {
			return this.server.getLocalPort();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket client = this.server.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
					this.sockets.add(client);
					this.sockets.add(upstream);
					Thread.ofVirtual().start(() -> pipe(client, upstream, true));
					Thread.ofVirtual().start(() -> pipe(upstream, client, false));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void pipe(Socket from, Socket to, boolean fromClient) {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (fromClient && subscribes(buffer, read)
							&& this.cut.getAndUpdate((n) -> (n < this.cuts) ? n + 1 : n) < this.cuts) {
						from.close();
						to.close();
						return;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// One side closed: close the other too.
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}

		private static boolean subscribes(byte[] buffer, int length) {
			return new String(buffer, 0, length, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT)
				.contains("SUBSCRIBE");
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Already closed.
			}
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.sockets) {
				closeQuietly(socket);
			}
		}

	}

}
