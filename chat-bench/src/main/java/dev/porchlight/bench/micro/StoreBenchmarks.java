package dev.porchlight.bench.micro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.porchlight.persistence.conversation.BenchAppends;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.transcript.BenchTranscripts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The two store steps of the hot path against real engines (the embedded Redis 6.2 and
 * PostgreSQL 17 the product ships, with the product's durability settings: append-only
 * file with {@code everysec}, PostgreSQL with {@code fsync} and synchronous commit): the
 * Redis append of one message (the Lua script plus the inbox ranking and the archive
 * listing, {@code RedisLiveConversations.append}) and the archive write of a batch of 100
 * messages in one transaction ({@code JdbcTranscripts.archive}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreBenchmarks {

	static final int BATCH = 100;

	private EmbeddedRedisServer redis;

	private EmbeddedPostgresServer postgres;

	private LettuceConnectionFactory factory;

	private BenchAppends appends;

	private BenchTranscripts transcripts;

	private UUID conversation;

	private UUID site;

	private UUID visitor;

	private UUID archivedConversation;

	private long archivedSeq;

	private long version;

	private long counter;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		Path dir = Files.createTempDirectory("porchlight-jmh");
		Files.createDirectories(dir.resolve("redis"));
		this.redis = EmbeddedRedisServer.start(dir.resolve("redis"), EmbeddedRedisServer.AppendFsync.EVERYSEC,
				List.of());
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("127.0.0.1", this.redis.port());
		configuration.setPassword(this.redis.password());
		this.factory = new LettuceConnectionFactory(configuration);
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.appends = new BenchAppends(new StringRedisTemplate(this.factory));
		this.site = UUID.randomUUID();
		this.visitor = UUID.randomUUID();
		this.conversation = this.appends.start(this.site, this.visitor);

		this.postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), "porchlight", true);
		PGSimpleDataSource dataSource = BenchDatabase.migrated(this.postgres, null);
		try (Connection db = DriverManager.getConnection(this.postgres.jdbcUrl(), "postgres", "")) {
			BenchDatabase.addSite(db, this.site);
			BenchDatabase.addVisitors(db, this.site, List.of(this.visitor));
		}
		this.transcripts = new BenchTranscripts(dataSource);
		this.archivedConversation = UUID.randomUUID();
	}

	@Benchmark
	public long redisAppendOneMessage() {
		return this.appends.append(this.conversation, this.visitor, "j" + this.counter++,
				"Is the silver ring available in size 7?");
	}

	@Benchmark
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public long archiveBatchOf100() {
		this.archivedSeq = this.transcripts.archive(this.archivedConversation, this.site, this.visitor,
				this.archivedSeq, BATCH, ++this.version);
		return this.archivedSeq;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.factory.destroy();
		this.redis.close();
		this.postgres.close();
	}

}
