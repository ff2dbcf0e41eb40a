package dev.porchlight.persistence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.persistence.embedded.EmbeddedJdbcConnectionDetails;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisConnectionDetails;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real PostgreSQL and Redis for integration tests, started once per test JVM and shared:
 * Testcontainers when a Docker engine answers, the embedded engines otherwise. Each test
 * class gets its own PostgreSQL database and its own Redis logical database, so classes
 * never see each other's data.
 *
 * <p>
 * The choice can be forced with the system property or environment variable
 * {@code porchlight.test.engines} / {@code PORCHLIGHT_TEST_ENGINES}: {@code auto}
 * (default), {@code embedded} or {@code containers}.
 */
public final class RealEngines {

	private static final Logger log = LoggerFactory.getLogger(RealEngines.class);

	/**
	 * Enough logical Redis databases that every test class of a module gets a fresh one.
	 */
	static final int REDIS_DATABASES = 1024;

	private static volatile RealEngines instance;

	private final Backend backend;

	private final AtomicInteger nextDatabase = new AtomicInteger(1);

	private RealEngines(Backend backend) {
		this.backend = backend;
		log.info("Integration tests run on {}: PostgreSQL {} and Redis {}", backend.kind(),
				query(backend.adminJdbcUrl(), "show server_version"), redisVersion());
	}

	/**
	 * The engines of this JVM, started on first use.
	 * @return the shared engines
	 */
	public static RealEngines get() {
		RealEngines engines = instance;
		if (engines == null) {
			synchronized (RealEngines.class) {
				engines = instance;
				if (engines == null) {
					engines = new RealEngines(startBackend());
					instance = engines;
				}
			}
		}
		return engines;
	}

	/**
	 * A PostgreSQL database and a Redis logical database that no other caller gets.
	 * @param label a readable hint included in the database name
	 * @return connection details for both
	 */
	public Isolated isolated(String label) {
		int n = this.nextDatabase.getAndIncrement();
		if (n >= REDIS_DATABASES) {
			throw new IllegalStateException(
					"More than " + (REDIS_DATABASES - 1) + " isolated test contexts in one JVM");
		}
		String suffix = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		String database = "t" + n + "_" + suffix.substring(0, Math.min(40, suffix.length()));
		execute(this.backend.adminJdbcUrl(), "create database " + database);
		try (RedisClient client = RedisClient.create(redisUri(n));
				StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().flushdb();
		}
		return new Isolated(
				new EmbeddedJdbcConnectionDetails(this.backend.jdbcUrl(database), this.backend.username(),
						this.backend.password()),
				new EmbeddedRedisConnectionDetails(this.backend.redisHost(), this.backend.redisPort(), n,
						this.backend.redisPassword()));
	}

	public String kind() {
		return this.backend.kind();
	}

	private RedisURI redisUri(int database) {
		return RedisURI.builder()
			.withHost(this.backend.redisHost())
			.withPort(this.backend.redisPort())
			.withPassword(this.backend.redisPassword().toCharArray())
			.withDatabase(database)
			.build();
	}

	private String redisVersion() {
		try (RedisClient client = RedisClient.create(redisUri(0));
				StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync()
				.info("server")
				.lines()
				.filter((line) -> line.startsWith("redis_version:"))
				.map((line) -> line.substring("redis_version:".length()).strip())
				.findFirst()
				.orElse("unknown");
		}
	}

	private String query(String jdbcUrl, String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, this.backend.username(),
				this.backend.password());
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void execute(String jdbcUrl, String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, this.backend.username(),
				this.backend.password()); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Backend startBackend() {
		String choice = System.getProperty("porchlight.test.engines",
				System.getenv().getOrDefault("PORCHLIGHT_TEST_ENGINES", "auto"));
		boolean containers = switch (choice) {
			case "containers" -> true;
			case "embedded" -> false;
			case "auto" -> dockerAvailable();
			default -> throw new IllegalArgumentException("porchlight.test.engines is auto, embedded or containers");
		};
		return containers ? Containers.start() : Embedded.start();
	}

	private static boolean dockerAvailable() {
		// Without a socket or DOCKER_HOST there is nothing to ask, and Testcontainers
		// would log errors.
		boolean socket = java.nio.file.Files.exists(Path.of("/var/run/docker.sock"));
		if (!socket && System.getenv("DOCKER_HOST") == null
				&& !Path.of(System.getProperty("user.home"), ".testcontainers.properties").toFile().exists()) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Connection details of one isolated pair of databases.
	 *
	 * @param postgres the PostgreSQL database
	 * @param redis the Redis logical database
	 */
	public record Isolated(EmbeddedJdbcConnectionDetails postgres, EmbeddedRedisConnectionDetails redis) {
	}

	private interface Backend {

		String kind();

		String adminJdbcUrl();

		String jdbcUrl(String database);

		String username();

		String password();

		String redisHost();

		int redisPort();

		String redisPassword();

	}

	private record Embedded(EmbeddedPostgresServer postgres, EmbeddedRedisServer redis) implements Backend {

		static Embedded start() {
			try {
				Path directory = Files.createTempDirectory("porchlight-test-engines-");
				// Tests trade durability for speed: no fsync in PostgreSQL, no
				// append-only file in Redis.
				EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(directory.resolve("postgres"),
						"postgres", false);
				EmbeddedRedisServer redis = EmbeddedRedisServer.start(null, AppendFsync.NO,
						List.of("databases " + REDIS_DATABASES));
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					redis.close();
					postgres.close();
				}, "real-engines-shutdown"));
				return new Embedded(postgres, redis);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public String kind() {
			return "embedded engines";
		}

		@Override
		public String adminJdbcUrl() {
			return this.postgres.jdbcUrl("postgres");
		}

		@Override
		public String jdbcUrl(String database) {
			return this.postgres.jdbcUrl(database);
		}

		@Override
		public String username() {
			return this.postgres.username();
		}

		@Override
		public String password() {
			return this.postgres.password();
		}

		@Override
		public String redisHost() {
			return this.redis.host();
		}

		@Override
		public int redisPort() {
			return this.redis.port();
		}

		@Override
		public String redisPassword() {
			return this.redis.password();
		}

	}

	private record Containers(PostgreSQLContainer postgres, GenericContainer<?> redis) implements Backend {

		private static final String REDIS_PASSWORD = "porchlight-tests";

		@SuppressWarnings("resource")
		static Containers start() {
			PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");
			GenericContainer<?> redis = new GenericContainer<>("redis:6.2-alpine").withExposedPorts(6379)
				.withCommand("redis-server", "--databases", String.valueOf(REDIS_DATABASES), "--requirepass",
						REDIS_PASSWORD);
			postgres.start();
			redis.start();
			// Testcontainers' Ryuk removes both containers when the JVM exits.
			return new Containers(postgres, redis);
		}

		@Override
		public String kind() {
			return "Testcontainers";
		}

		@Override
		public String adminJdbcUrl() {
			return jdbcUrl("postgres");
		}

		@Override
		public String jdbcUrl(String database) {
			return "jdbc:postgresql://" + this.postgres.getHost() + ":" + this.postgres.getMappedPort(5432) + "/"
					+ database;
		}

		@Override
		public String username() {
			return this.postgres.getUsername();
		}

		@Override
		public String password() {
			return this.postgres.getPassword();
		}

		@Override
		public String redisHost() {
			return this.redis.getHost();
		}

		@Override
		public int redisPort() {
			return this.redis.getMappedPort(6379);
		}

		@Override
		public String redisPassword() {
			return REDIS_PASSWORD;
		}

	}

}
