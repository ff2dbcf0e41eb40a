package dev.porchlight.bench.micro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.live.BenchNode;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The live path of one node against real Redis (the embedded Redis 6.2 the product
 * ships): one message event fanned out to 1, 100 and 10,000 sockets following its
 * conversation (plus one staff socket's inbox), and one visitor {@code send} frame
 * decoded and handled up to its ack. Sockets are {@code BenchSession}s that accept every
 * frame at once, so what is measured is the node's own work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LivePathBenchmarks {

	@Param({ "1", "100", "10000" })
	public int followers;

	private EmbeddedRedisServer redis;

	private LettuceConnectionFactory factory;

	private BenchNode node;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		Path dir = Files.createTempDirectory("porchlight-jmh-live");
		this.redis = EmbeddedRedisServer.start(dir, EmbeddedRedisServer.AppendFsync.EVERYSEC, List.of());
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("127.0.0.1", this.redis.port());
		configuration.setPassword(this.redis.password());
		this.factory = new LettuceConnectionFactory(configuration);
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.node = new BenchNode(new StringRedisTemplate(this.factory), this.factory, this.followers);
	}

	@Benchmark
	public void fanOutOneEvent() {
		this.node.fanout();
	}

	@Benchmark
	public Object decodeAndHandleSend() {
		return this.node.send();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.node.close();
		this.factory.destroy();
		this.redis.close();
	}

}
