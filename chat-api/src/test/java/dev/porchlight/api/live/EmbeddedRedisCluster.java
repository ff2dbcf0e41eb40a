package dev.porchlight.api.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster of masters on loopback, from the same Redis binary the embedded
 * engine uses: each server started in cluster mode, the 16384 slots split evenly, the
 * servers introduced to each other with {@code CLUSTER MEET}, and ready once every one of
 * them reports {@code cluster_state:ok}.
 */
final class EmbeddedRedisCluster implements AutoCloseable {

	static final int SLOTS = 16384;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final List<EmbeddedRedisServer> servers;

	private final String password;

	private EmbeddedRedisCluster(List<EmbeddedRedisServer> servers, String password) {
		this.servers = servers;
		this.password = password;
	}

	static EmbeddedRedisCluster start(Path directory, int masters) {
		String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
		List<EmbeddedRedisServer> servers = new ArrayList<>();
		EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(servers, password);
		try {
			for (int i = 0; i < masters; i++) {
				Path home = Files.createDirectories(directory.resolve("redis-" + i));
				servers.add(
						EmbeddedRedisServer.start(home, AppendFsync.ALWAYS,
								List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
										"cluster-node-timeout 5000", "masterauth " + password),
								clusterPort(), password));
			}
			for (int i = 0; i < masters; i++) {
				int from = i * SLOTS / masters;
				int to = (i + 1) * SLOTS / masters;
				int[] slots = IntStream.range(from, to).toArray();
				cluster.onNode(i, (commands) -> commands.clusterAddSlots(slots));
			}
			for (int i = 1; i < masters; i++) {
				int port = servers.get(i).port();
				cluster.onNode(0, (commands) -> commands.clusterMeet("127.0.0.1", port));
			}
			cluster.awaitHealthy(masters);
			return cluster;
		}
		catch (IOException ex) {
			cluster.close();
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void awaitHealthy(int masters) {
		await("the Redis Cluster healthy").atMost(Duration.ofSeconds(30)).until(() -> {
			boolean healthy = true;
			for (int i = 0; i < masters; i++) {
				String info = onNode(i, (commands) -> commands.clusterInfo());
				healthy &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters);
			}
			return healthy;
		});
	}

	/** Runs commands on one server of the cluster, as a plain client of that server. */
	<T> T onNode(int index,
			java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> work) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(this.servers.get(index).port())
			.withPassword(this.password.toCharArray())
			.build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return work.apply(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * @return {@code host:port,…} for {@code spring.data.redis.cluster.nodes}
	 */
	String nodes() {
		return this.servers.stream().map((server) -> "127.0.0.1:" + server.port()).collect(Collectors.joining(","));
	}

	String password() {
		return this.password;
	}

	int size() {
		return this.servers.size();
	}

	@Override
	public void close() {
		this.servers.forEach(EmbeddedRedisServer::close);
	}

	/**
	 * A free port whose cluster bus port (the port + 10000) is free too.
	 */
	private static int clusterPort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 20_000 + RANDOM.nextInt(25_000);
			if (free(port) && free(port + 10_000)) {
				return port;
			}
		}
		throw new IllegalStateException("No free pair of ports for a Redis Cluster node");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
