package dev.porchlight.persistence.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedEnginesIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void dataWrittenBeforeARestartIsThereAfterIt() throws Exception {
		try (DataDirectory directory = DataDirectory.lock(this.dataDir);
				EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(directory.engine("postgres"),
						"porchlight", true);
				EmbeddedRedisServer redis = EmbeddedRedisServer.start(directory.engine("redis"), AppendFsync.EVERYSEC,
						List.of())) {
			sql(postgres, "create table story (line text)");
			sql(postgres, "insert into story values ('she asked about the ankh pendant')");
			redis(redis, (connection) -> connection.sync().set("story", "ankh pendant"));
		}
		try (DataDirectory directory = DataDirectory.lock(this.dataDir);
				EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(directory.engine("postgres"),
						"porchlight", true);
				EmbeddedRedisServer redis = EmbeddedRedisServer.start(directory.engine("redis"), AppendFsync.EVERYSEC,
						List.of())) {
			assertThat(single(postgres, "select line from story")).isEqualTo("she asked about the ankh pendant");
			String story = redis(redis, (connection) -> connection.sync().get("story"));
			assertThat(story).isEqualTo("ankh pendant");
			Map<String, String> appendOnly = redis(redis, (connection) -> connection.sync().configGet("appendonly"));
			assertThat(appendOnly).containsEntry("appendonly", "yes");
		}
	}

	@Test
	void aSecondInstanceOnTheSameDirectoryFailsClearly() {
		try (DataDirectory first = DataDirectory.lock(this.dataDir)) {
			assertThatExceptionOfType(DataDirectoryInUseException.class)
				.isThrownBy(() -> DataDirectory.lock(this.dataDir))
				.withMessageContaining("in use by another running Porchlight instance")
				.satisfies((ex) -> assertThat(ex.directory()).isEqualTo(first.root()));
		}
		// Released on close: the next start succeeds.
		DataDirectory.lock(this.dataDir).close();
	}

	@Test
	void redisRequiresTheGeneratedPasswordAndListensOnLoopbackOnly() {
		try (EmbeddedRedisServer redis = EmbeddedRedisServer.start(null, AppendFsync.NO, List.of())) {
			assertThat(redis.host()).isEqualTo("127.0.0.1");
			assertThat(redis.password()).hasSize(48);
			RedisURI noPassword = RedisURI.create(redis.host(), redis.port());
			try (RedisClient client = RedisClient.create(noPassword)) {
				assertThatThrownBy(() -> {
					try (StatefulRedisConnection<String, String> connection = client.connect()) {
						connection.sync().get("x");
					}
				}).hasStackTraceContaining("NOAUTH");
			}
		}
	}

	private static void sql(EmbeddedPostgresServer postgres, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password()); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static String single(EmbeddedPostgresServer postgres, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password());
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getString(1);
		}
	}

	private static <T> T redis(EmbeddedRedisServer redis,
			java.util.function.Function<StatefulRedisConnection<String, String>, T> action) {
		RedisURI uri = RedisURI.builder()
			.withHost(redis.host())
			.withPort(redis.port())
			.withPassword(redis.password().toCharArray())
			.build();
		try (RedisClient client = RedisClient.create(uri);
				StatefulRedisConnection<String, String> connection = client.connect()) {
			return action.apply(connection);
		}
	}

}
