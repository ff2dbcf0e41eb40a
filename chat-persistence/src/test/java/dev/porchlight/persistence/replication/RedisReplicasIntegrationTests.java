package dev.porchlight.persistence.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code WAIT} on a real primary with a real replica: it confirms what the node wrote on
 * its shared connection, it refuses while the replica cannot acknowledge, and covering
 * another connection's writes takes a write of its own first.
 */
class RedisReplicasIntegrationTests {

	@TempDir
	Path dir;

	private EmbeddedRedisServer primary;

	private EmbeddedRedisServer replica;

	private LettuceConnectionFactory connections;

	private StringRedisTemplate redis;

	private RedisReplicas replicas;

	private RedisClient other;

	@BeforeEach
	void primaryAndReplica() {
		this.primary = EmbeddedRedisServer.start(null, AppendFsync.NO, List.of());
		String password = this.primary.password();
		this.replica = EmbeddedRedisServer.start(null, AppendFsync.NO,
				List.of("replicaof 127.0.0.1 " + this.primary.port(), "masterauth " + password), freePort(), password);
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration("127.0.0.1", this.primary.port());
		standalone.setPassword(RedisPassword.of(password));
		this.connections = new LettuceConnectionFactory(standalone);
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
		this.replicas = new RedisReplicas(this.redis, this.connections);
		this.other = RedisClient.create(uri(this.primary));
		await("the replica in sync").atMost(Duration.ofSeconds(30))
			.until(() -> this.redis.execute((org.springframework.data.redis.core.RedisCallback<String>) (
					connection) -> connection.serverCommands().info("replication").getProperty("slave0", "")),
					(slave) -> slave.contains("state=online"));
	}

	@AfterEach
	void stop() {
		this.other.shutdown();
		this.connections.destroy();
		this.replica.close();
		this.primary.close();
	}

	@Test
	void confirmsWhatTheNodeWroteOnceTheReplicaHasIt() {
		this.redis.opsForValue().set("k", "v");
		assertThat(this.replicas.canConfirm()).isTrue();
		assertThat(this.replicas.confirmWrites(1, Duration.ofSeconds(2))).isTrue();
		assertThat(this.replicas.confirmWrites(2, Duration.ofMillis(200))).as("there is only one replica").isFalse();
	}

	@Test
	void refusesWhileTheReplicaCannotAcknowledgeAndCoversOtherConnectionsOnlyWhenAsked() throws Exception {
		this.redis.opsForValue().set("k", "v");
		assertThat(this.replicas.confirmWrites(1, Duration.ofSeconds(2))).isTrue();
		try (StatefulRedisConnection<String, String> elsewhere = this.other.connect()) {
			// Long enough for every step below on a slow machine: the last one needs the
			// replica still asleep.
			CompletableFuture<String> asleep = sleep(this.replica, 10);
			// Another node's write, while the replica cannot take it.
			elsewhere.sync().set("written", "by another node");
			assertThat(this.replicas.confirmWrites(1, Duration.ofMillis(300)))
				.as("WAIT covers this connection's writes, which the replica already has")
				.isTrue();
			assertThat(this.replicas.confirmAllWrites(1, Duration.ofMillis(300)))
				.as("covering every write waits for the sleeping replica")
				.isFalse();
			this.redis.opsForValue().set("k", "v2");
			assertThat(this.replicas.confirmWrites(1, Duration.ofMillis(300))).as("this node's own new write")
				.isFalse();
			asleep.get(40, TimeUnit.SECONDS);
		}
		await("the replica caught up").atMost(Duration.ofSeconds(10))
			.until(() -> this.replicas.confirmAllWrites(1, Duration.ofSeconds(1)));
	}

	/**
	 * Blocks the replica's whole event loop for a while, replication included, and
	 * returns once it stopped answering.
	 */
	private CompletableFuture<String> sleep(EmbeddedRedisServer server, int seconds) {
		// A command timeout longer than the sleep, or the client would give up on it.
		RedisURI uri = uri(server);
		uri.setTimeout(Duration.ofSeconds(seconds + 30));
		RedisClient client = RedisClient.create(uri);
		StatefulRedisConnection<String, String> connection = client.connect();
		StatefulRedisConnection<String, String> probe = client.connect();
		CompletableFuture<String> asleep = connection.async()
			.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(seconds))
			.toCompletableFuture()
			// Not on Lettuce's I/O thread: shutting the client down there waits for
			// itself.
			.whenCompleteAsync((done, failed) -> {
				probe.close();
				connection.close();
				client.shutdown();
			});
		await("the replica asleep").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
			try {
				probe.async().ping().get(100, TimeUnit.MILLISECONDS);
				return false;
			}
			catch (TimeoutException stillBusy) {
				return true;
			}
		});
		return asleep;
	}

	private static RedisURI uri(EmbeddedRedisServer server) {
		return RedisURI.builder()
			.withHost(server.host())
			.withPort(server.port())
			.withPassword(server.password().toCharArray())
			.withTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
