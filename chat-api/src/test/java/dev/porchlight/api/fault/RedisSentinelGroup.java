package dev.porchlight.api.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.porchlight.api.TestNodes;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import dev.porchlight.persistence.testing.ProcessLogs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

import static org.awaitility.Awaitility.await;

/**
 * Redis the way a shop runs it when it cannot afford downtime: a primary, a replica and a
 * Sentinel that promotes the replica when the primary dies, all from the embedded Redis
 * binary on loopback. (A production setup runs three Sentinels so that a majority
 * decides; here one decides alone.) Nodes find the primary through Sentinel, with Spring
 * Boot's {@code spring.data.redis.sentinel.*} settings ({@link #nodeArguments()}).
 */
final class RedisSentinelGroup implements AutoCloseable {

	static final String MASTER = "porchlight";

	/** How long Sentinel waits before it calls a silent primary down. */
	static final Duration DOWN_AFTER = Duration.ofSeconds(1);

	private final Path dir;

	private final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

	private final int sentinelPort = TestNodes.freePort();

	// Port → the Redis server listening there.
	private final Map<Integer, EmbeddedRedisServer> servers = new LinkedHashMap<>();

	private Process sentinel;

	private AutoCloseable sentinelLog = () -> {
	};

	private RedisSentinelGroup(Path dir) {
		this.dir = dir;
	}

	/**
	 * Starts the primary, its replica (in sync) and the Sentinel watching them.
	 * @param dir where their files go
	 * @return the running group
	 */
	static RedisSentinelGroup start(Path dir) {
		RedisSentinelGroup group = new RedisSentinelGroup(dir);
		int primary = TestNodes.freePort();
		group.startRedis(primary, List.of());
		group.startRedis(TestNodes.freePort(), List.of("replicaof 127.0.0.1 " + primary));
		group.awaitReplicaOnline(Duration.ofSeconds(30));
		group.startSentinel(primary);
		return group;
	}

	/**
	 * @return the settings that make a node use this group through Sentinel
	 */
	List<String> nodeArguments() {
		return List.of("--spring.data.redis.sentinel.master=" + MASTER,
				"--spring.data.redis.sentinel.nodes=127.0.0.1:" + this.sentinelPort,
				"--spring.data.redis.password=" + this.password);
	}

	/**
	 * @return the port of the primary, as Sentinel names it
	 */
	int primaryPort() {
		return ((InetSocketAddress) onSentinel((sentinel) -> sentinel.getMasterAddrByName(MASTER))).getPort();
	}

	/**
	 * Cuts the primary's link to its replica and keeps it down, as a network partition
	 * between the two would: the replica reconnects with a wrong password until
	 * {@link #mendReplication}. Whatever the primary acknowledges from now on exists only
	 * on the primary.
	 */
	void breakReplication() {
		int primary = primaryPort();
		for (int port : this.servers.keySet()) {
			if (port != primary) {
				onRedis(port, (redis) -> redis.configSet("masterauth", "not-the-password"));
			}
		}
		onRedis(primary, (redis) -> redis.clientKill(io.lettuce.core.KillArgs.Builder.typeSlave()));
	}

	/** Lets every replica authenticate to its primary again. */
	void mendReplication() {
		for (int port : this.servers.keySet()) {
			if (this.servers.get(port).isAlive()) {
				onRedis(port, (redis) -> redis.configSet("masterauth", this.password));
			}
		}
	}

	/**
	 * {@code kill -9} of the primary.
	 * @return its port
	 */
	int killPrimary() {
		int primary = primaryPort();
		EmbeddedRedisServer server = this.servers.get(primary);
		ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
		process.destroyForcibly();
		process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
		return primary;
	}

	/**
	 * Waits until Sentinel has promoted another server than the one on this port.
	 * @param formerPrimary the port of the primary that died
	 * @param atMost how long the failover may take
	 */
	void awaitFailover(int formerPrimary, Duration atMost) {
		await("Sentinel promoted a replica").atMost(atMost)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> primaryPort() != formerPrimary
					&& onRedis(primaryPort(), (redis) -> redis.info("replication")).contains("role:master"));
	}

	/**
	 * Starts the server that died again, on its port and files, as a replica of the new
	 * primary (what Sentinel would make of it anyway), and waits until it is in sync.
	 * @param port where it ran
	 */
	void restartAsReplica(int port) {
		this.servers.get(port).close();
		startRedis(port, List.of("replicaof 127.0.0.1 " + primaryPort()));
		awaitReplicaOnline(Duration.ofSeconds(60));
	}

	private void awaitReplicaOnline(Duration atMost) {
		await("a replica in sync with the primary").atMost(atMost)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> onRedis(primaryPortOrFirst(), (redis) -> redis.info("replication")),
					(info) -> info.contains("role:master") && info.contains("state=online"));
	}

	// Before Sentinel runs, the primary is the server without a replicaof line: the
	// first.
	private int primaryPortOrFirst() {
		return (this.sentinel != null) ? primaryPort() : this.servers.keySet().iterator().next();
	}

	private void startRedis(int port, List<String> replicaOf) {
		Path home = this.dir.resolve("redis-" + port);
		try {
			Files.createDirectories(home);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> settings = new java.util.ArrayList<>(replicaOf);
		// Every server may become a replica after a failover.
		settings.add("masterauth " + this.password);
		this.servers.put(port, EmbeddedRedisServer.start(home, AppendFsync.EVERYSEC, settings, port, this.password));
	}

	private void startSentinel(int primary) {
		Path home = this.dir.resolve("sentinel");
		try {
			Files.createDirectories(home);
			Path config = home.resolve("sentinel.conf");
			Files.write(config, List.of("port " + this.sentinelPort, "bind 127.0.0.1", "dir " + home.toAbsolutePath(),
					"sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 1",
					"sentinel auth-pass " + MASTER + " " + this.password,
					"sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER.toMillis(),
					"sentinel failover-timeout " + MASTER + " 10000", "sentinel parallel-syncs " + MASTER + " 1"));
			Path log = home.resolve("sentinel.log");
			this.sentinel = new ProcessBuilder(EmbeddedRedisServer.binary().getAbsolutePath(), config.toString(),
					"--sentinel")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			this.sentinelLog = ProcessLogs.register("sentinel (port " + this.sentinelPort + ")", () -> {
				try {
					return Files.readString(log);
				}
				catch (IOException ex) {
					return "(no log: " + ex.getMessage() + ")";
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await("Sentinel watching the primary").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> primaryPort() == primary);
	}

	private <T> T onSentinel(
			Function<io.lettuce.core.sentinel.api.sync.RedisSentinelCommands<String, String>, T> work) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(this.sentinelPort)
			.withTimeout(Duration.ofSeconds(5))
			.build());
		try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
			return work.apply(connection.sync());
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private <T> T onRedis(int port, Function<RedisCommands<String, String>, T> work) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(port)
			.withPassword(this.password.toCharArray())
			.withTimeout(Duration.ofSeconds(5))
			.build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return work.apply(connection.sync());
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Override
	public void close() throws Exception {
		if (this.sentinel != null) {
			this.sentinel.destroy();
			this.sentinel.waitFor(30, TimeUnit.SECONDS);
		}
		this.sentinelLog.close();
		this.servers.values().forEach(EmbeddedRedisServer::close);
	}

}
