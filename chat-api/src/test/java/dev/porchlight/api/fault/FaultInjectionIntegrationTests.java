package dev.porchlight.api.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.HttpProbe;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.archive.CrashingArchiverNode;
import dev.porchlight.api.email.Mails;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.persistence.embedded.EmbeddedMailServer;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite. Two Porchlight nodes run as separate JVM processes on a
 * PostgreSQL and a Redis of this test's own, all real processes on loopback. For each
 * fault, a {@link Load steady load} of visitors, a staff member answering and an owner's
 * dashboard runs while the fault is injected and recovered from; then the history is
 * checked like a linearizability checker would: for every conversation, the log as the
 * server serves it, what every client saw and what PostgreSQL archived must contain each
 * acknowledged message exactly once, every writer's messages in the order it sent them,
 * with no gap in the sequence. Each fault prints its figures; the last run's are in
 * docs/reliability.md.
 *
 * <p>
 * Each fault runs its load until every writer had enough messages acknowledged before and
 * after it, however long a busy machine takes (within deadlines), and takes up to a
 * minute on a quiet one; so its tests get 4 minutes instead of the default 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FaultInjectionIntegrationTests {

	static final int VISITORS = 4;

	static final Duration VISITOR_PAUSE = Duration.ofMillis(50);

	static final Duration STAFF_PAUSE = Duration.ofMillis(100);

	/** Acknowledgements every writer gets before the fault: the load is steady. */
	static final int ACKS_BEFORE = 10;

	/** Acknowledgements every writer gets after the fault: the load recovered. */
	static final int ACKS_AFTER = 20;

	/** The longest a load may take to reach either mark. */
	static final Duration LOAD_PHASE_DEADLINE = Duration.ofSeconds(60);

	/** The longest the flood may take to get the stalled reader cut off. */
	static final Duration FLOOD_DEADLINE = Duration.ofSeconds(120);

	@TempDir
	static Path dir;

	/** Where Redis with {@code everysec} keeps its data: see {@link #redisDirectory}. */
	static final Path IN_MEMORY = Path.of("/dev/shm", "porchlight-fault-redis-" + ProcessHandle.current().pid());

	/** Free space fault 2b wants in tmpfs before it puts Redis' file there. */
	static final long IN_MEMORY_ROOM = 512L * 1024 * 1024;

	private static @Nullable Path everysec;

	private final List<String> figures = new ArrayList<>();

	private EmbeddedPostgresServer postgres;

	private int postgresPort;

	private EmbeddedRedisServer redis;

	private int redisPort;

	private final String redisPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

	private List<NodeProcess> nodes;

	private Path crashTrigger;

	private String siteKey;

	private JdbcClient jdbc;

	private EmbeddedMailServer mail;

	@BeforeAll
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void start() {
		deleteInMemoryDirectoriesOfDeadRuns();
		this.postgresPort = TestNodes.freePort();
		this.postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), "porchlight", true, this.postgresPort);
		this.redisPort = TestNodes.freePort();
		startRedis(AppendFsync.ALWAYS);
		this.mail = EmbeddedMailServer.start("shop@shop.example", "mailbox secret");
		this.crashTrigger = dir.resolve("crash-archiver");
		List<String> args = List.of("--porchlight.public-url=" + Load.APP,
				"--porchlight.owner.email=" + Load.OWNER_EMAIL, "--porchlight.owner.password=" + Load.OWNER_PASSWORD,
				"--porchlight.embedded.enabled=false", "--porchlight.demo.enabled=false",
				// The load is above a person's rate limits: these tests are about faults.
				"--porchlight.live.visitor-messages=100000", "--porchlight.live.staff-messages=100000",
				"--porchlight.live.site-messages=100000", "--porchlight.live.conversations-per-address=100000",
				"--porchlight.live.address-messages=100000",
				// A small send buffer, so that a stalled reader overflows it quickly.
				"--porchlight.live.send-buffer-bytes=65536", "--porchlight.live.send-time-limit=2s",
				"--porchlight.live.sweep-interval=1s", "--porchlight.archive.interval=200ms",
				"--porchlight.archive.max-backoff=1s", "--porchlight.archive.lease=3s",
				"--spring.datasource.url=" + this.postgres.jdbcUrl(),
				"--spring.datasource.username=" + this.postgres.username(), "--spring.datasource.password=",
				"--spring.datasource.hikari.maximum-pool-size=3", "--spring.datasource.hikari.connection-timeout=1000",
				"--spring.data.redis.url=redis://:" + this.redisPassword + "@127.0.0.1:" + this.redisPort + "/0",
				// Email continuity through a mail server the tests can stop
				// (docs/email.md).
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + this.mail.smtpPort(),
				"--spring.mail.properties.mail.smtp.connectiontimeout=2000",
				"--spring.mail.properties.mail.smtp.timeout=2000", "--porchlight.email.address=shop@shop.example",
				"--porchlight.email.offline-delay=1s", "--porchlight.email.interval=500ms",
				"--porchlight.email.retry-backoff=1s", "--porchlight.email.max-attempts=12",
				"--porchlight.email.per-conversation-per-hour=100");
		List<String> jvm = List.of("-D" + CrashingArchiverNode.TRIGGER + "=" + this.crashTrigger);
		this.nodes = List.of(NodeProcess.start("a", TestNodes.freePort(), jvm, CrashingArchiverNode.class, args),
				NodeProcess.start("b", TestNodes.freePort(), jvm, CrashingArchiverNode.class, args));
		this.nodes.forEach(NodeProcess::awaitReady);
		ApiClient owner = new ApiClient(this.nodes.get(0).port);
		owner.signIn(Load.OWNER_EMAIL, Load.OWNER_PASSWORD);
		this.siteKey = owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Shop", "allowedOrigins", List.of())))
			.text("/siteKey");
		this.jdbc = JdbcClient
			.create(new DriverManagerDataSource(this.postgres.jdbcUrl(), this.postgres.username(), ""));
	}

	@AfterAll
	void stop() {
		if (this.nodes != null) {
			this.nodes.forEach(NodeProcess::close);
		}
		if (this.redis != null) {
			this.redis.close();
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
		if (this.mail != null) {
			this.mail.close();
		}
		deleteTree(IN_MEMORY);
		System.out.println("Fault injection figures (messages):");
		System.out.println(
				"| fault | sent | acknowledged | delivered | lost | duplicated | time to recover (longest wait for an ack) | notes |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
		this.figures.forEach(System.out::println);
	}

	@Test
	@Order(1)
	void killingANodeLosesNothingAcknowledged() throws Exception {
		NodeProcess doomed = this.nodes.get(0);
		Figures figures = underLoad("node kill -9", (load) -> {
			doomed.kill();
			return "node " + doomed.name + " killed";
		});
		figures.assertNothingLostOrDoubled();
		doomed.restart();
		doomed.awaitReady();
	}

	@Test
	@Order(2)
	void killingRedisWithAppendfsyncAlwaysLosesNothingAcknowledged() throws Exception {
		Figures figures = underLoad("Redis kill -9, appendfsync always", (load) -> crashRedis(AppendFsync.ALWAYS));
		figures.assertNothingLostOrDoubled();
	}

	@Test
	@Order(3)
	void killingRedisWithAppendfsyncEverysecKeepsItsPromise() throws Exception {
		this.redis.close();
		try {
			moveAppendOnlyFile(redisDirectory(AppendFsync.ALWAYS), redisDirectory(AppendFsync.EVERYSEC));
			startRedis(AppendFsync.EVERYSEC);
			this.nodes.forEach(NodeProcess::awaitReady);
			Figures figures = underLoad("Redis kill -9, appendfsync everysec",
					(load) -> crashRedis(AppendFsync.EVERYSEC));
			// The promise (docs/reliability.md, promise 4): while no background fsync
			// holds Redis' writes back (on tmpfs it never does for long), a crash of
			// the Redis process loses nothing that was acknowledged, because Redis
			// writes the append-only file before it replies.
			figures.assertNothingLostOrDoubled();
		}
		finally {
			// Back on the disk file whatever failed above, so the later faults run.
			this.redis.close();
			if (Files.exists(redisDirectory(AppendFsync.EVERYSEC).resolve(EmbeddedRedisServer.APPEND_ONLY_FILE))) {
				moveAppendOnlyFile(redisDirectory(AppendFsync.EVERYSEC), redisDirectory(AppendFsync.ALWAYS));
			}
			startRedis(AppendFsync.ALWAYS);
			this.nodes.forEach(NodeProcess::awaitReady);
		}
	}

	@Test
	@Order(4)
	void stoppingPostgresPausesArchivalAndLosesNothing() throws Exception {
		Figures figures = underLoad("PostgreSQL stopped for 3 s", (load) -> {
			this.postgres.close();
			Load.sleep(3000);
			this.postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), "porchlight", true,
					this.postgresPort);
			return "live chat went on; the archive caught up after";
		});
		figures.assertNothingLostOrDoubled();
	}

	@Test
	@Order(5)
	void anArchiverCrashBetweenCommitAndCleanupLosesAndDoublesNothing() throws Exception {
		List<NodeProcess> crashed = new ArrayList<>();
		Figures figures = underLoad("archiver crash between commit and Redis clean-up", (load) -> {
			Files.writeString(this.crashTrigger, "crash");
			History.awaitTrue(Duration.ofSeconds(20), () -> this.nodes.stream().anyMatch((node) -> !node.isAlive()));
			this.nodes.stream().filter((node) -> !node.isAlive()).forEach(crashed::add);
			return "node " + crashed.get(0).name + " halted right after a commit";
		});
		assertThat(crashed).as("a node crashed in its archiver").hasSize(1);
		assertThat(this.crashTrigger).doesNotExist();
		figures.assertNothingLostOrDoubled();
		crashed.get(0).restart();
		crashed.get(0).awaitReady();
	}

	@Test
	@Order(6)
	void aStalledReaderAndAFloodCostNobodyAnything() throws Exception {
		List<String> flooded = new ArrayList<>();
		long[] cutOff = new long[1];
		Figures figures = underLoad("stalled reader + flood of one conversation", (load) -> {
			// A conversation whose own visitor is on the other node: that visitor reads
			// every flood message too and, on a busy machine, may fall far enough behind
			// to be cut off and resume (promise 8; the history checks it lost nothing),
			// which is not what this test counts. On this node the stalled socket is then
			// the only visitor socket the flood reaches.
			String conversation = new ArrayList<>(load.conversations.keySet()).get(1 % this.nodes.size());
			String token = load.conversations.get(conversation);
			int port = this.nodes.get(0).port;
			try (LiveTestClient stalled = LiveTestClient.stalledVisitor(port, Load.APP, token);
					LiveTestClient flooder = staffSocket(port)) {
				stalled.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
				flooder.next("welcome");
				String body = "flood ".repeat(650);
				long before = cutOff(port);
				// Until the node cuts the stalled socket off, with about 4 MB of kernel
				// buffers (1000 of these messages) to fill first: beside two CPU hogs,
				// 30 s were good for only 520 of them.
				long until = System.nanoTime() + FLOOD_DEADLINE.toNanos();
				int k = 0;
				// The stalled client reads nothing, not even the close: the node's count
				// of sockets it cut off tells.
				while (cutOff(port) == before && System.nanoTime() < until) {
					// Twenty at a time, as fast as they are acknowledged.
					List<String> batch = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						String clientId = "flood-" + k++;
						flooder.send(Map.of("type", "send", "conversationId", conversation, "clientId", clientId,
								"body", body));
						batch.add(clientId);
					}
					for (String clientId : batch) {
						flooder.next(
								(frame) -> frame.path("type").asString().equals("ack")
										&& frame.path("clientId").asString().equals(clientId),
								"the ack of " + clientId);
					}
					flooded.addAll(batch);
				}
				cutOff[0] = cutOff(port) - before;
			}
			return flooded.size() + " flood messages until the stalled socket was cut off";
		}, flooded);
		assertThat(cutOff[0]).as("the stalled socket was cut off (4500)").isEqualTo(1);
		figures.assertNothingLostOrDoubled();
	}

	@Test
	@Order(7)
	void aRollingRestartLosesNothing() throws Exception {
		Figures figures = underLoad("rolling restart (SIGTERM, each node in turn)", (load) -> {
			for (NodeProcess node : this.nodes) {
				node.stop();
				node.restart();
				node.awaitReady();
			}
			return "both nodes restarted";
		});
		figures.assertNothingLostOrDoubled();
	}

	@Test
	@Order(8)
	void theMailServerDownFor30SecondsUnderLoadLosesNothing() throws Exception {
		// Visitors who left an email and went away: staff replies to them are emailed.
		int port = this.nodes.get(1).port;
		List<String> conversations = new ArrayList<>();
		List<String> addresses = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String address = "away" + i + "." + System.nanoTime() + "@example.com";
			conversations.add(awayVisitor(port, address));
			addresses.add(address);
		}
		long[] mailBack = new long[1];
		Figures figures = underLoad("mail server down for 30 s", (load) -> {
			int smtp = this.mail.smtpPort();
			int imap = this.mail.imapPort();
			this.mail.close();
			try (LiveTestClient staff = staffSocket(this.nodes.get(0).port)) {
				for (int round = 0; round < 3; round++) {
					for (int i = 0; i < conversations.size(); i++) {
						staff.sendAndAck(conversations.get(i), "mail-" + round, "Reply " + round + " to visitor " + i);
					}
					Load.sleep(10_000);
				}
			}
			this.mail = EmbeddedMailServer.start("shop@shop.example", "mailbox secret", smtp, imap);
			mailBack[0] = System.nanoTime();
			return "9 replies to 3 visitors who left, written while the mail server was down";
		});
		figures.assertNothingLostOrDoubled();
		// Every reply reached its visitor by email once it was back, and none twice. (A
		// later email repeats earlier replies as quoted context, " > …"; a reply is new
		// in
		// an email when it stands on a line of its own.)
		for (int i = 0; i < addresses.size(); i++) {
			String address = addresses.get(i);
			List<java.util.regex.Pattern> replies = new ArrayList<>();
			for (int round = 0; round < 3; round++) {
				replies.add(java.util.regex.Pattern.compile("(?m)^Reply " + round + " to visitor " + i + "\\r?$"));
			}
			List<String> texts = org.awaitility.Awaitility.await("every reply emailed to " + address)
				.atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> emailTexts(address), (found) -> replies.stream()
					.allMatch((reply) -> found.stream().anyMatch((text) -> reply.matcher(text).find())));
			for (java.util.regex.Pattern reply : replies) {
				assertThat(texts.stream().filter((text) -> reply.matcher(text).find()))
					.as("emails carrying %s as new", reply)
					.hasSize(1);
			}
		}
		System.out.printf("Mail server down for 30 s: every reply emailed %d ms after it was back%n",
				(System.nanoTime() - mailBack[0]) / 1_000_000);
		Integer failed = this.jdbc.sql("select count(*) from email_outbox where status = 'FAILED'")
			.query(Integer.class)
			.single();
		assertThat(failed).as("emails failed for good").isZero();
	}

	/**
	 * A visitor who left an email, wrote once and closed the page.
	 * @return the conversation
	 */
	private String awayVisitor(int port, String address) {
		String token = Load.visitorToken(port, this.siteKey);
		ApiClient visitor = new ApiClient(port).header("Authorization", "Bearer " + token);
		assertThat(visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", address))).status())
			.isEqualTo(204);
		try (LiveTestClient socket = LiveTestClient.visitor(port, Load.APP, token)) {
			String conversation = socket.startConversation();
			socket.sendAndAck(conversation, "v1", "Please answer by email, I have to go.");
			return conversation;
		}
	}

	/** The text of every email delivered to an address. */
	private List<String> emailTexts(String address) {
		return Mails.to(this.mail, address).stream().map(Mails::text).toList();
	}

	/** A fault, injected while the load runs; returns a note for the figures. */
	@FunctionalInterface
	interface Fault {

		String inject(Load load) throws Exception;

	}

	private Figures underLoad(String name, Fault fault) throws Exception {
		return underLoad(name, fault, List.of());
	}

	/**
	 * Runs the load, injects the fault after a steady start, keeps the load going a while
	 * after it, stops, and checks the history.
	 * @param others client ids written by the fault itself (in order), checked like the
	 * load's
	 */
	private Figures underLoad(String name, Fault fault, List<String> others) throws Exception {
		int[] ports = this.nodes.stream().mapToInt((node) -> node.port).toArray();
		Load load = new Load(ports, this.siteKey, VISITORS, "f" + (this.figures.size() + 1));
		String note;
		long stoppedAt;
		try {
			load.start(VISITOR_PAUSE, STAFF_PAUSE);
			boolean steady = load.awaitAcks(ACKS_BEFORE, LOAD_PHASE_DEADLINE);
			note = fault.inject(load);
			boolean recovered = load.awaitAcks(ACKS_AFTER, LOAD_PHASE_DEADLINE);
			load.stopWriting();
			stoppedAt = System.nanoTime();
			Figures figures = new History(this.nodes, this.jdbc).check(name, load, others, stoppedAt);
			figures.require(steady, "every writer had %d messages acknowledged before the fault, within %s",
					ACKS_BEFORE, LOAD_PHASE_DEADLINE);
			figures.require(recovered, "every writer had %d messages acknowledged after the fault, within %s",
					ACKS_AFTER, LOAD_PHASE_DEADLINE);
			load.failures().forEach((failure) -> figures.require(false, "the load ran without failing: %s", failure));
			figures.note = note + "; " + figures.note;
			this.figures.add(figures.row());
			System.out.println(name + ": " + figures.row());
			return figures;
		}
		finally {
			load.close();
		}
	}

	/** How many visitor sockets a node cut off for not reading (close code 4500). */
	private static long cutOff(int port) {
		return HttpProbe.get(port, "/actuator/prometheus")
			.body()
			.lines()
			.filter((line) -> line.startsWith("porchlight_sockets_closed_total{") && line.contains("code=\"4500\"")
					&& line.contains("kind=\"visitor\""))
			.mapToLong((line) -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	/**
	 * A staff socket of the owner's, signed in again while the node answers a server
	 * error or a rate limit (its pool of three connections, each waited for at most 1 s,
	 * can be busy under the load), refused at once for anything else.
	 */
	private LiveTestClient staffSocket(int port) {
		ApiClient owner = new ApiClient(port);
		Awaitility.await("the owner signed in on port " + port)
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> owner.signIn(Load.OWNER_EMAIL, Load.OWNER_PASSWORD).status(), (status) -> {
				if (status >= 400 && status < 500 && status != 429) {
					throw new IllegalStateException("sign-in refused: " + status);
				}
				return status < 300;
			});
		return LiveTestClient.staff(port, Load.APP, owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
	}

	private void startRedis(AppendFsync fsync) {
		this.redis = EmbeddedRedisServer.start(redisDirectory(fsync), fsync, List.of(), this.redisPort,
				this.redisPassword);
	}

	/**
	 * Where Redis keeps its append-only file. With {@code everysec} in memory (tmpfs)
	 * where there is one: while its background fsync runs, Redis postpones writing the
	 * file (for up to two seconds) and still replies, so on a busy disk even a crash of
	 * the process can lose what it acknowledged then, which a CI run once showed. On
	 * tmpfs that fsync has nothing to do, and a file in memory survives a crash of the
	 * process as well as one on disk.
	 */
	private static Path redisDirectory(AppendFsync fsync) {
		Path directory = (fsync != AppendFsync.EVERYSEC) ? dir.resolve("redis") : everysecDirectory();
		try {
			return Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Chosen once, so that the file is always looked for where it was put: tmpfs when it
	 * is there with room to spare (the file and Redis' rewrite of it take a few MB here),
	 * the disk otherwise.
	 */
	private static synchronized Path everysecDirectory() {
		if (everysec == null) {
			Path tmpfs = IN_MEMORY.getParent();
			boolean room;
			try {
				room = Files.isDirectory(tmpfs) && Files.isWritable(tmpfs)
						&& Files.getFileStore(tmpfs).getUsableSpace() >= IN_MEMORY_ROOM;
			}
			catch (IOException ex) {
				room = false;
			}
			everysec = room ? IN_MEMORY : dir.resolve("redis-everysec");
			System.out.println("Fault 2b keeps Redis' append-only file in " + everysec);
		}
		return everysec;
	}

	/**
	 * Removes what runs killed before their {@code @AfterAll} left in tmpfs, which would
	 * otherwise hold memory until the machine restarts.
	 */
	private static void deleteInMemoryDirectoriesOfDeadRuns() {
		String prefix = IN_MEMORY.getFileName().toString().replaceAll("\\d+$", "");
		try (Stream<Path> entries = Files.list(IN_MEMORY.getParent())) {
			for (Path entry : entries.toList()) {
				String name = entry.getFileName().toString();
				String pid = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
				if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
					deleteTree(entry);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("Could not look for directories of earlier runs in tmpfs: " + ex);
		}
	}

	private static void deleteTree(Path root) {
		if (!Files.isDirectory(root)) {
			return;
		}
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			System.out.println("Could not delete " + root + ": " + ex);
		}
	}

	/** Moves Redis' data between two directories while it is stopped. */
	private static void moveAppendOnlyFile(Path from, Path to) {
		try {
			Files.move(from.resolve(EmbeddedRedisServer.APPEND_ONLY_FILE),
					to.resolve(EmbeddedRedisServer.APPEND_ONLY_FILE), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The Redis fault: SIGKILL, a second down, then Redis again on its append-only file.
	 * @return a note for the figures
	 */
	private String crashRedis(AppendFsync fsync) {
		long down = killRedis();
		Load.sleep(1000);
		startRedis(fsync);
		return "Redis down " + (System.nanoTime() - down) / 1_000_000 + " ms";
	}

	/**
	 * SIGKILL to the Redis server process, found by asking Redis for its process id.
	 * @return when it died
	 */
	private long killRedis() {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(this.redisPort)
			.withPassword(this.redisPassword.toCharArray())
			.build());
		long pid;
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			pid = connection.sync()
				.info("server")
				.lines()
				.filter((line) -> line.startsWith("process_id:"))
				.mapToLong((line) -> Long.parseLong(line.substring("process_id:".length()).trim()))
				.findFirst()
				.orElseThrow();
		}
		finally {
			client.shutdown();
		}
		ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
		process.destroyForcibly();
		try {
			process.onExit().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Redis (pid " + pid + ") did not die within 30 s of SIGKILL", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return System.nanoTime();
	}

}
