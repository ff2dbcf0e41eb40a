package dev.porchlight.persistence.embedded;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server run from the binary shipped in a Maven artifact, bound to loopback
 * on a free port and protected by a password generated at every start (only this process
 * knows it). Its append-only file lives in a directory that survives restarts.
 *
 * <p>
 * The process is started and stopped here rather than by the artifact's own runner, whose
 * JVM shutdown hook stopped Redis at the same moment Spring began its graceful shutdown:
 * on {@code SIGTERM} Redis could be gone while requests still needed it. Now Redis stops
 * when the application closes this bean, after everything that uses Redis
 * ({@link ExitGuard} stops it only if nobody does).
 */
public final class EmbeddedRedisServer implements AutoCloseable {

	/** The name of the append-only file in the directory Redis is given. */
	public static final String APPEND_ONLY_FILE = "porchlight.aof";

	private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final String READY = "Ready to accept connections";

	private static final File SETSID = new File("/usr/bin/setsid");

	private final Process process;

	private final int port;

	private final String password;

	private final ExitGuard exitGuard;

	private EmbeddedRedisServer(Process process, int port, String password) {
		this.process = process;
		this.port = port;
		this.password = password;
		this.exitGuard = ExitGuard.register("embedded-redis-" + port, process::isAlive, this::stop);
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
		List<String> settings = new ArrayList<>(
				List.of("port " + port, "bind 127.0.0.1", "requirepass " + password, "protected-mode yes"));
		if (directory != null) {
			settings.addAll(List.of("dir " + directory.toAbsolutePath(), "appendonly yes",
					"appendfsync " + appendFsync.redisValue(), "appendfilename " + APPEND_ONLY_FILE,
					// The append-only file is the persistence; no extra RDB snapshots.
					"save \"\""));
		}
		else {
			// No persistence; still a directory of its own, for the snapshot a replica
			// receives when it syncs (else it lands in the working directory).
			settings.addAll(List.of("dir " + temporaryDirectory().toAbsolutePath(), "appendonly no", "save \"\""));
		}
		settings.addAll(extraSettings);
		Process process = launch(settings, "Embedded Redis on port " + port);
		log.info("Embedded Redis on port {} with append-only file in {} (appendfsync {})", port,
				(directory != null) ? directory : "(none)", appendFsync.redisValue());
		return new EmbeddedRedisServer(process, port, password);
	}

	/**
	 * Runs {@code redis-server} with the given configuration and waits until it accepts
	 * connections.
	 * @param settings {@code redis.conf} lines
	 * @param what names the server in errors
	 * @return the running process
	 * @throws UncheckedIOException when it exits or is not ready within 30 s, with its
	 * last output
	 */
	private static Process launch(List<String> settings, String what) {
		try {
			Path config = Files.createTempFile("porchlight-redis-", ".conf");
			config.toFile().deleteOnExit();
			Files.write(config, settings);
			List<String> command = new ArrayList<>();
			if (SETSID.canExecute()) {
				// A session of its own: Ctrl+C in a terminal signals the whole foreground
				// process group, and Redis must not stop under the application, which
				// stops it in its own time.
				command.add(SETSID.getPath());
			}
			command.addAll(List.of(binary().getAbsolutePath(), config.toString()));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			CountDownLatch ready = new CountDownLatch(1);
			Deque<String> recent = new ArrayDeque<>();
			Thread.ofPlatform().daemon().name("redis-output-" + process.pid()).start(() -> {
				// Read to the end, or Redis would block once the pipe is full.
				try (BufferedReader output = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					for (String line = output.readLine(); line != null; line = output.readLine()) {
						log.debug("redis {}: {}", process.pid(), line);
						synchronized (recent) {
							recent.addLast(line);
							if (recent.size() > 40) {
								recent.removeFirst();
							}
						}
						if (line.contains(READY)) {
							ready.countDown();
						}
					}
				}
				catch (IOException ex) {
					log.debug("Output of redis {} ended: {}", process.pid(), ex.getMessage());
				}
				ready.countDown();
			});
			if (!ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !process.isAlive()) {
				process.destroyForcibly();
				synchronized (recent) {
					throw new IOException(what + " did not start: " + String.join("\n", recent));
				}
			}
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what + ": interrupted while starting", ex);
		}
	}

	/**
	 * @return the Redis server binary of this platform, from the embedded-redis artifact
	 * @throws IOException when it cannot be extracted
	 */
	public static File binary() throws IOException {
		return ExecutableProvider.newJarResourceProvider().get();
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

	/**
	 * @return the operating system's id of the Redis process
	 */
	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	@Override
	public void close() {
		stop();
		this.exitGuard.closed();
	}

	private void stop() {
		if (!this.process.isAlive()) {
			return;
		}
		// SIGTERM: Redis flushes its append-only file before it exits.
		this.process.destroy();
		try {
			if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("Embedded Redis did not stop within {}; killing it", STOP_TIMEOUT);
				this.process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				return;
			}
			log.info("Embedded Redis stopped");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	private static Path temporaryDirectory() {
		try {
			Path directory = Files.createTempDirectory("porchlight-redis-");
			directory.toFile().deleteOnExit();
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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
