package dev.porchlight.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server run from the binary shipped in a Maven artifact, bound to loopback
 * on a free port and protected by a password generated at every start (only this process
 * knows it). Its append-only file lives in a directory that survives restarts.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final RedisServer server;

	private final int port;

	private final String password;

	private EmbeddedRedisServer(RedisServer server, int port, String password) {
		this.server = server;
		this.port = port;
		this.password = password;
	}

	/**
	 * Starts Redis with append-only persistence in the given directory.
	 * @param directory where the append-only file is kept; null for no persistence
	 * @param appendFsync {@code always}, {@code everysec} or {@code no}
	 * @param extraSettings further {@code redis.conf} lines
	 * @return the running server
	 */
	public static EmbeddedRedisServer start(@Nullable Path directory, AppendFsync appendFsync,
			List<String> extraSettings) {
		byte[] secret = new byte[24];
		RANDOM.nextBytes(secret);
		String password = HexFormat.of().formatHex(secret);
		IOException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			try {
				return start(directory, appendFsync, extraSettings, freePort(), password);
			}
			catch (UncheckedIOException ex) {
				// Most likely another process took the port between probing and binding.
				last = ex.getCause();
			}
		}
		throw new UncheckedIOException("Embedded Redis did not start", last);
	}

	/**
	 * Starts Redis on a given port with a given password, e.g. to restart it where its
	 * clients expect it after an outage.
	 * @param directory where the append-only file is kept; null for no persistence
	 * @param appendFsync {@code always}, {@code everysec} or {@code no}
	 * @param extraSettings further {@code redis.conf} lines
	 * @param port the port
	 * @param password the password clients use
	 * @return the running server
	 */
	public static EmbeddedRedisServer start(@Nullable Path directory, AppendFsync appendFsync,
			List<String> extraSettings, int port, String password) {
		try {
			RedisServerBuilder builder = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("requirepass " + password)
				.setting("protected-mode yes");
			if (directory != null) {
				builder.setting("dir " + directory.toAbsolutePath())
					.setting("appendonly yes")
					.setting("appendfsync " + appendFsync.redisValue())
					.setting("appendfilename porchlight.aof")
					// The append-only file is the persistence; no extra RDB
					// snapshots.
					.setting("save \"\"");
			}
			else {
				builder.setting("appendonly no").setting("save \"\"");
			}
			extraSettings.forEach(builder::setting);
			RedisServer server = builder.build();
			server.start();
			log.info("Embedded Redis on port {} with append-only file in {} (appendfsync {})", port,
					(directory != null) ? directory : "(none)", appendFsync.redisValue());
			return new EmbeddedRedisServer(server, port, password);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded Redis did not start on port " + port, ex);
		}
	}

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.port;
	}

	public String password() {
		return this.password;
	}

	@Override
	public void close() {
		try {
			// SIGTERM: Redis flushes its append-only file before it exits.
			this.server.stop();
			log.info("Embedded Redis stopped");
		}
		catch (IOException ex) {
			log.warn("Embedded Redis did not stop cleanly: {}", ex.getMessage());
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on loopback", ex);
		}
	}

	/**
	 * How often Redis flushes its append-only file to disk, trading throughput against
	 * how many acknowledged writes a power loss or {@code kill -9} can take.
	 */
	public enum AppendFsync {

		/** After every write: nothing acknowledged is lost. */
		ALWAYS,

		/** Once a second: at most about one second of writes can be lost. */
		EVERYSEC,

		/** When the OS decides. */
		NO;

		String redisValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
