package dev.porchlight.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries shipped in a Maven artifact, listening
 * on loopback on a free port, with its cluster in a directory that survives restarts.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private final EmbeddedPostgres postgres;

	private final String database;

	private EmbeddedPostgresServer(EmbeddedPostgres postgres, String database) {
		this.postgres = postgres;
		this.database = database;
	}

	/**
	 * Starts PostgreSQL on the given cluster directory, creating the cluster on first
	 * use, and makes sure the named database exists.
	 * @param clusterDirectory where the cluster lives
	 * @param database the application's database
	 * @param durable whether every commit is flushed to disk; only tests turn this off
	 * @return the running server
	 */
	public static EmbeddedPostgresServer start(Path clusterDirectory, String database, boolean durable) {
		return start(clusterDirectory, database, durable, 0);
	}

	/**
	 * Like {@link #start(Path, String, boolean)} on a given port, so that a server can be
	 * stopped and started again where its clients expect it.
	 * @param clusterDirectory where the cluster lives
	 * @param database the application's database
	 * @param durable whether every commit is flushed to disk
	 * @param port the port, or 0 for any free one
	 * @return the running server
	 */
	public static EmbeddedPostgresServer start(Path clusterDirectory, String database, boolean durable, int port) {
		return start(clusterDirectory, database, durable, port, java.util.Map.of());
	}

	/**
	 * Like {@link #start(Path, String, boolean, int)} with more server settings (the
	 * benchmark counts statements with {@code pg_stat_statements}).
	 * @param clusterDirectory where the cluster lives
	 * @param database the application's database
	 * @param durable whether every commit is flushed to disk
	 * @param port the port, or 0 for any free one
	 * @param settings more {@code postgresql.conf} settings
	 * @return the running server
	 */
	public static EmbeddedPostgresServer start(Path clusterDirectory, String database, boolean durable, int port,
			java.util.Map<String, String> settings) {
		String flush = durable ? "on" : "off";
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
			settings.forEach(builder::setServerConfig);
			EmbeddedPostgres postgres = builder.setPort(port)
				.setDataDirectory(clusterDirectory)
				.setCleanDataDirectory(false)
				.setServerConfig("listen_addresses", "localhost")
				.setServerConfig("fsync", flush)
				.setServerConfig("synchronous_commit", flush)
				.setServerConfig("full_page_writes", flush)
				.setServerConfig("max_connections", "200")
				.setPGStartupWait(Duration.ofSeconds(60))
				.start();
			EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, database);
			server.createDatabaseIfMissing();
			log.info("Embedded PostgreSQL {} on port {} with data in {}", server.version(), postgres.getPort(),
					clusterDirectory);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded PostgreSQL did not start in " + clusterDirectory, ex);
		}
	}

	public int port() {
		return this.postgres.getPort();
	}

	public String jdbcUrl(String databaseName) {
		return "jdbc:postgresql://localhost:" + port() + "/" + databaseName;
	}

	public String jdbcUrl() {
		return jdbcUrl(this.database);
	}

	public String username() {
		return "postgres";
	}

	public String password() {
		return "";
	}

	/**
	 * Runs one statement on the maintenance database, e.g. to create a database.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Embedded PostgreSQL refused a statement", ex);
		}
	}

	public String version() {
		return query("show server_version");
	}

	private void createDatabaseIfMissing() {
		String exists = query("select count(*) from pg_database where datname = '" + this.database + "'");
		if ("0".equals(exists)) {
			execute("create database " + this.database);
		}
	}

	private String query(String sql) {
		try (Connection connection = this.postgres.getPostgresDatabase(Map.of()).getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Embedded PostgreSQL refused a query", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.postgres.close();
			log.info("Embedded PostgreSQL stopped");
		}
		catch (IOException ex) {
			log.warn("Embedded PostgreSQL did not stop cleanly: {}", ex.getMessage());
		}
	}

}
