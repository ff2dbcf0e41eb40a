package dev.porchlight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.persistence.conversation.BenchAppends;
import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The benchmark: starts real PostgreSQL and Redis, two Porchlight nodes and two peer
 * (Socket.IO) nodes as separate processes, runs the four scenarios and the JMH
 * micro-benchmarks, and rewrites {@code docs/benchmarks.md} and its plot.
 *
 * <p>
 * Arguments: {@code --quick} (a short run that only checks the harness works),
 * {@code --repo DIR}, {@code --jar PATH} (porchlight.jar), {@code --profile RATE} (only
 * Porchlight at that rate, 30 s to warm up, then 20 s with a Flight Recorder recording
 * per node), {@code --idle N} (only N idle sockets on one Porchlight node, then on one
 * peer node; {@code --idle-profile} adds a CPU profile of the opening),
 * {@code --capacity} (only scenario 2's capacity search for Porchlight, twice),
 * {@code --sustained} (only scenario 2, with the peer; rewrites that section),
 * {@code --search-only [MESSAGES]} (only scenario 4: seed MESSAGES, default 1,000,000,
 * measure search on an idle node, then with chat at {@code --chat-rate} messages/s,
 * default 1280, half of the last measured capacity; replaces that section),
 * {@code --uploads} (only issue 22's attachments: one node, visitors uploading a 10 MB
 * document each at once, then a 10 MB photo each; replaces that section of
 * {@code docs/benchmarks.md}), {@code --insights
 * [MESSAGES]} (only issue 23's insights: a year of history seeded, counted by the node,
 * the page loaded; replaces that section).
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		boolean quick = List.of(args).contains("--quick");
		Path repo = Path.of(arg(args, "--repo", "."));
		Path jar = Path.of(arg(args, "--jar", repo.resolve("chat-api/target/porchlight.jar").toString()));
		Path work = repo.resolve("chat-bench/target/bench-run");
		deleteRecursively(work);
		Files.createDirectories(work);
		Plan plan = quick ? Plan.QUICK : Plan.FULL;
		String profileRate = arg(args, "--profile", null);
		Results results = new Results(quick, Instant.now());
		long benchStarted = System.nanoTime();

		log("Starting PostgreSQL and Redis (embedded engines of chat-persistence)");
		// pg_stat_statements counts the statements of the archival scenario, and times
		// the search's statements, planning included (custom plans are made every time).
		EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(work.resolve("postgres"), "porchlight", true, 0,
				Map.of("shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.track_planning", "on"));
		try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
			db.createStatement().execute("create extension if not exists pg_stat_statements");
		}
		// maxclients above the default 10,000 is not needed: nodes share one connection.
		Files.createDirectories(work.resolve("redis"));
		EmbeddedRedisServer redis = EmbeddedRedisServer.start(work.resolve("redis"),
				EmbeddedRedisServer.AppendFsync.EVERYSEC, List.of());
		String redisUrl = "redis://:" + redis.password() + "@127.0.0.1:" + redis.port() + "/0";
		String peerRedisUrl = "redis://:" + redis.password() + "@127.0.0.1:" + redis.port() + "/1";
		String jdbcUrl = postgres.jdbcUrl();
		results.postgresVersion = postgres.version();
		results.redisVersion = Machine.redisVersion(redis.port(), redis.password());
		List<Node> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
		// Interrupted (Ctrl-C), the run still stops every process it started.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.forEach(Node::close)));
		try {
			if (List.of(args).contains("--insights")) {
				// Insights alone (issue 23): one node, a year of seeded history.
				log("Starting one Porchlight node");
				Node node = Node.porchlight("porchlight-a", jar, work, jdbcUrl, redisUrl, plan.heap);
				nodes.add(node);
				node.awaitReady();
				Api owner = new Api(node.port);
				owner.signIn(Node.OWNER_EMAIL, Node.OWNER_PASSWORD);
				String size = arg(args, "--insights", null);
				int messages = (size != null && size.matches("[0-9]+")) ? Integer.parseInt(size) : plan.searchMessages;
				results.insights = InsightPage.run(owner, node, jdbcUrl, work.resolve("postgres"), messages, 5,
						plan.searchDuration);
				node.close();
				redis.close();
				postgres.close();
				String command = "chat-bench/run --insights" + ((size != null) ? " " + size : "")
						+ (quick ? " --quick" : "");
				Report.replaceSection(repo.resolve("docs/benchmarks.md"),
						InsightPage.section(results.insights, command, results.postgresVersion));
				log("Done: the insights section of docs/benchmarks.md replaced");
				System.exit(0);
			}
			if (List.of(args).contains("--uploads")) {
				// Attachments alone: one node, no peer, no other scenario.
				log("Starting one Porchlight node");
				Node node = Node.porchlight("porchlight-a", jar, work, jdbcUrl, redisUrl, plan.heap);
				nodes.add(node);
				node.awaitReady();
				Api owner = new Api(node.port);
				owner.signIn(Node.OWNER_EMAIL, Node.OWNER_PASSWORD);
				uploads(results, plan, owner, node, work);
				node.close();
				redis.close();
				postgres.close();
				results.totalSeconds = (System.nanoTime() - benchStarted) / 1e9;
				Report.replaceSection(repo.resolve("docs/benchmarks.md"),
						Report.uploads(results, plan, "chat-bench/run --uploads" + (quick ? " --quick" : "")));
				log(String.format("Done in %.0f s: the attachments section of docs/benchmarks.md replaced",
						results.totalSeconds));
				System.exit(0);
			}
			log("Starting two Porchlight nodes");
			Node a = Node.porchlight("porchlight-a", jar, work, jdbcUrl, redisUrl, plan.heap);
			nodes.add(a);
			Node b = Node.porchlight("porchlight-b", jar, work, jdbcUrl, redisUrl, plan.heap);
			nodes.add(b);
			a.awaitReady();
			b.awaitReady();
			Api owner = new Api(a.port);
			owner.signIn(Node.OWNER_EMAIL, Node.OWNER_PASSWORD);
			var site = owner.postJson("/api/v1/sites", Map.of("name", "Bench shop", "allowedOrigins", List.of()),
					Map.of());
			String siteKey = site.path("siteKey").asString();
			UUID siteId = UUID.fromString(site.path("id").asString());
			ChatSystem.Porchlight porchlight = new ChatSystem.Porchlight(List.of(a.port, b.port), siteKey,
					owner.cookie("PORCHLIGHT_SESSION"));

			if (List.of(args).contains("--archival-only")) {
				// Scenario 3 alone, e.g. after a change to the archiver: no sockets, no
				// peer.
				archival(results, plan, owner, a, b, redis, postgres, jdbcUrl, work);
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				System.exit(0);
			}
			if (List.of(args).contains("--search-only")) {
				// Search alone, e.g. after a change to its schema or queries: no idle
				// sockets, no capacity search, no peer traffic.
				String size = arg(args, "--search-only", null);
				int messages = (size != null && size.matches("[0-9]+")) ? Integer.parseInt(size) : 1_000_000;
				// Half of the median capacity of scenario 2's last run (2,563/s).
				double chatRate = Double.parseDouble(arg(args, "--chat-rate", "1280"));
				try (LoadGenerator porchlightLoad = new LoadGenerator(porchlight, plan.visitors)) {
					log("Warming up");
					porchlightLoad.run(plan.startRate, plan.warmup);
					searchOnly(results, plan, a, jdbcUrl, siteId, messages, chatRate, porchlightLoad, work);
					Report.replaceSection(repo.resolve("docs/benchmarks.md"), Report.search(results, plan));
					log("Section 4 of docs/benchmarks.md rewritten");
				}
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				System.exit(0);
			}
			log("Starting two peer nodes (Socket.IO with the Redis adapter)");
			Path peerDir = repo.resolve("chat-bench/peer");
			Node peerA = Node.peer("peer-a", peerDir, work, peerRedisUrl);
			nodes.add(peerA);
			Node peerB = Node.peer("peer-b", peerDir, work, peerRedisUrl);
			nodes.add(peerB);
			peerA.awaitReady();
			peerB.awaitReady();
			ChatSystem.SocketIo peer = new ChatSystem.SocketIo(List.of(peerA.port, peerB.port));

			if (List.of(args).contains("--sustained")) {
				// Scenario 2 alone, with the peer, e.g. after a change to the live path:
				// rewrites only that section of docs/benchmarks.md and the plot.
				sustained(results, plan, porchlight, peer, a, b, peerA, siteKey);
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				results.totalSeconds = (System.nanoTime() - benchStarted) / 1e9;
				Report.replaceSection(repo.resolve("docs/benchmarks.md"),
						Report.sustained(results, plan, "chat-bench/run --sustained" + (quick ? " --quick" : "")));
				Files.writeString(repo.resolve("docs/benchmarks-latency.svg"),
						Plot.latencyVsLoad(results.pairs.get(0)));
				log(String.format("Done in %.0f s: scenario 2 of docs/benchmarks.md and its plot replaced",
						results.totalSeconds));
				System.exit(0);
			}
			String idleOnly = arg(args, "--idle", null);
			if (idleOnly != null) {
				// Memory per idle socket and the time to open them, one Porchlight node
				// then one peer node, e.g. after a change. With --idle-profile, the
				// Porchlight node's CPU while the sockets open is sampled by
				// async-profiler (idle-open.collapsed beside the run).
				int sockets = Integer.parseInt(idleOnly);
				int processes = Math.max(1, sockets / 4000 + 1);
				Path profiler = List.of(args).contains("--idle-profile") ? Machine.asyncProfiler(work) : null;
				IdleSockets.measure(a, true, sockets, processes, siteKey, porchlight.session(), true, profiler);
				IdleSockets.measure(peerA, false, sockets, processes, siteKey, "-", false, null);
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				System.exit(0);
			}
			if (profileRate != null) {
				// Profiling only: Porchlight alone at one rate, with a Flight Recorder
				// recording per node (written when the nodes stop).
				try (LoadGenerator load = new LoadGenerator(porchlight, plan.visitors)) {
					double rate = Double.parseDouble(profileRate);
					// Warm the JIT up first: a recording of a cold JVM shows the
					// compiler.
					log(load.run(rate, Duration.ofSeconds(30)).line());
					a.record(work.resolve("porchlight-a.jfr"), Duration.ofSeconds(20));
					b.record(work.resolve("porchlight-b.jfr"), Duration.ofSeconds(20));
					log(load.run(rate, Duration.ofSeconds(20)).line());
					// Then async-profiler, which also sees native frames and time outside
					// Java code (JFR's execution samples do not).
					Path profiler = Machine.asyncProfiler(work);
					a.startProfiler(profiler);
					b.startProfiler(profiler);
					log(load.run(rate, Duration.ofSeconds(20)).line());
					a.stopProfiler(profiler, work.resolve("porchlight-a.collapsed"));
					b.stopProfiler(profiler, work.resolve("porchlight-b.collapsed"));
				}
				for (Node node : List.of(a, b)) {
					String metrics = new Api(node.port).get("/actuator/prometheus").body();
					metrics.lines()
						.filter((line) -> line.startsWith("porchlight_sockets"))
						.forEach((line) -> log(node.name + " " + line));
				}
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				log("Flight recordings: " + work.toAbsolutePath() + "/porchlight-{a,b}.jfr; CPU samples: "
						+ work.toAbsolutePath() + "/porchlight-{a,b}.collapsed");
				System.exit(0);
			}

			if (List.of(args).contains("--capacity")) {
				// Scenario 2's capacity search for Porchlight alone, twice, e.g. to
				// compare two builds (MAVEN_ARGS=-Pjetty): no idle sockets, no peer.
				try (LoadGenerator load = new LoadGenerator(porchlight, plan.visitors)) {
					log("Warming up");
					load.run(plan.startRate, plan.warmup);
					for (int round = 1; round <= 2; round++) {
						double capacity = Results.Pair.capacity(capacity(load, plan.startRate, plan));
						log(String.format("Capacity, round %d: %.0f visitor messages/s", round, capacity));
					}
				}
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				System.exit(0);
			}
			String costRate = arg(args, "--cost", null);
			if (costRate != null) {
				// CPU per message of each system at one rate, process by process: robust
				// where latency is not (a busy machine), and where profiling starts.
				double rate = Double.parseDouble(costRate);
				LettuceConnectionFactory stats = new LettuceConnectionFactory(
						redisConfiguration(redis.port(), redis.password()));
				stats.afterPropertiesSet();
				stats.start();
				try (LoadGenerator load = new LoadGenerator(porchlight, plan.visitors);
						LoadGenerator peerLoad = new LoadGenerator(peer, plan.visitors)) {
					// A minute of warm-up each, like the full run: the JIT compiler
					// is still busy after 20 s.
					load.run(rate, Duration.ofSeconds(60));
					peerLoad.run(rate, Duration.ofSeconds(60));
					for (int round = 0; round < 2; round++) {
						// Redis's own account of where its CPU went, Porchlight's round
						// alone.
						stats.getConnection().serverCommands().resetConfigStats();
						cost(load, rate, Map.of("porchlight-a", a.pid(), "porchlight-b", b.pid(), "redis",
								Machine.redisPid(redis.port(), redis.password())), work);
						log("Porchlight's Redis commands by CPU: " + redisCommands(stats));
						cost(peerLoad, rate, Map.of("peer-a", peerA.pid(), "peer-b", peerB.pid(), "redis",
								Machine.redisPid(redis.port(), redis.password())), work);
					}
				}
				finally {
					stats.destroy();
				}
				nodes.forEach(Node::close);
				redis.close();
				postgres.close();
				System.exit(0);
			}

			// Scenario 1: idle sockets, Porchlight node A then peer node A.
			results.idlePorchlight = IdleSockets.measure(a, true, plan.idleSockets, plan.idleProcesses, siteKey,
					porchlight.session(), true, null);
			results.idlePeer = IdleSockets.measure(peerA, false, plan.idleSockets, plan.idleProcesses, siteKey, "-",
					false, null);

			// Scenario 2: sustained messages across two nodes, A/B/A/B.
			sustained(results, plan, porchlight, peer, a, b, peerA, siteKey);

			// Scenario 3: archival, with no sockets open (the live path is measured
			// above), twice: many messages in few conversations, and few in very many.
			archival(results, plan, owner, a, b, redis, postgres, jdbcUrl, work);

			// Scenario 4: search, on an idle node, then with chat at half of Porchlight's
			// capacity.
			log("Seeding " + plan.searchMessages + " messages by COPY");
			Search.Seeded seeded = Search.seed(jdbcUrl, siteId, plan.searchMessages);
			log(seeded.line());
			double chatRate = Math.max(plan.startRate / 2, results.meanPorchlightCapacity() / 2);
			try (LoadGenerator chat = new LoadGenerator(porchlight, plan.visitors)) {
				measureSearch(results, plan, a, jdbcUrl, seeded, chatRate, chat);
			}

			// Attachments (issue 22): many visitors upload 10 MB at once, on node A.
			uploads(results, plan, owner, a, work);

			// Insights (issue 23): a year of history seeded beside scenario 4's, on node
			// A.
			log("Insights");
			results.insights = InsightPage.run(owner, a, jdbcUrl, work.resolve("postgres"), plan.searchMessages, 5,
					plan.searchDuration);
		}
		finally {
			for (Node node : nodes) {
				node.close();
			}
			redis.close();
			postgres.close();
		}

		log("JMH micro-benchmarks");
		results.jmh = Micro.run(work, quick);
		results.nodeVersion = Machine.command("node", "--version");
		results.socketIoVersion = Machine.packageVersion(repo.resolve("chat-bench/peer/node_modules/socket.io"));
		results.adapterVersion = Machine
			.packageVersion(repo.resolve("chat-bench/peer/node_modules/@socket.io/redis-adapter"));
		results.totalSeconds = (System.nanoTime() - benchStarted) / 1e9;
		Report.write(results, plan, repo.resolve("docs/benchmarks.md"), repo.resolve("docs/benchmarks-latency.svg"));
		log(String.format("Done in %.0f s: docs/benchmarks.md and docs/benchmarks-latency.svg rewritten",
				results.totalSeconds));
		System.exit(0);
	}

	/**
	 * Scenario 4's three measurements: one searcher on an otherwise idle node (the API
	 * path's own latency); then, with chat at {@code chatRate}, searches at a steady
	 * {@value #SEARCHES_PER_SECOND} per second (a team searching while customers chat);
	 * then five searchers without pause (what search takes from chat when it takes all it
	 * can).
	 */
	private static void measureSearch(Results results, Plan plan, Node node, String jdbcUrl, Search.Seeded seeded,
			double chatRate, LoadGenerator chat) throws Exception {
		results.searchIdle = Search.measure(node.port, jdbcUrl, Search.Searching.closed(1), plan.searchDuration, seeded,
				null);
		log("Search on an idle node done");
		// Twice as long: at a steady rate each query kind is otherwise sampled only about
		// twenty times, and a p95 of twenty is the second slowest.
		Duration paced = plan.searchDuration.multipliedBy(2);
		results.searchPaced = Search.measure(node.port, jdbcUrl, Search.Searching.paced(SEARCHES_PER_SECOND), paced,
				seeded, () -> chat.run(chatRate, paced));
		log("Search at " + SEARCHES_PER_SECOND + "/s with chat at " + Math.round(chatRate) + "/s done: "
				+ results.searchPaced.chat().line());
		results.search = Search.measure(node.port, jdbcUrl, Search.Searching.closed(5), plan.searchDuration, seeded,
				() -> chat.run(chatRate, plan.searchDuration));
		log("Five searchers with chat at " + Math.round(chatRate) + "/s done: " + results.search.chat().line());
	}

	/** Scenario 4: searches started per second while chat runs. */
	static final int SEARCHES_PER_SECOND = 5;

	private static void searchOnly(Results results, Plan plan, Node node, String jdbcUrl, UUID siteId, int messages,
			double chatRate, LoadGenerator load, Path work) throws Exception {
		log("Seeding " + messages + " messages by COPY");
		Search.Seeded seeded = Search.seed(jdbcUrl, siteId, messages);
		log(seeded.line());
		measureSearch(results, plan, node, jdbcUrl, seeded, chatRate, load);
		String table = Report.search(results, plan);
		Files.writeString(work.resolve("search.md"), table);
		System.out.println(table);
		log("Written to " + work.resolve("search.md"));
	}

	/**
	 * Issue 22, acceptance 3: the plan's number of visitors of a new site each upload a
	 * document of almost 10 MB at once, then a photo of almost 10 MB each, on one node
	 * (the files are kept in {@code chat-bench/target/bench-uploads} between runs).
	 */
	private static void uploads(Results results, Plan plan, Api owner, Node node, Path work) throws Exception {
		var site = owner.postJson("/api/v1/sites", Map.of("name", "Uploads shop", "allowedOrigins", List.of()),
				Map.of());
		ChatSystem.Porchlight system = new ChatSystem.Porchlight(List.of(node.port), site.path("siteKey").asString(),
				owner.cookie("PORCHLIGHT_SESSION"));
		long started = System.nanoTime();
		results.uploads = AttachmentUploads.run(system, node, plan.uploads, work.resolveSibling("bench-uploads"), work);
		results.uploadsSeconds = (System.nanoTime() - started) / 1e9;
	}

	/**
	 * Scenario 2: capacity searches of both systems in A/B pairs, each pair then at half
	 * of the peer's capacity, an overload step at twice Porchlight's median capacity and
	 * the recovery after it, and one node of each against the other.
	 */
	static void sustained(Results results, Plan plan, ChatSystem.Porchlight porchlight, ChatSystem.SocketIo peer,
			Node a, Node b, Node peerA, String siteKey) {
		log("Setting up " + plan.visitors + " visitors and two owner sockets per system");
		try (LoadGenerator porchlightLoad = new LoadGenerator(porchlight, plan.visitors);
				LoadGenerator peerLoad = new LoadGenerator(peer, plan.visitors)) {
			log("Warming up");
			porchlightLoad.run(plan.startRate, plan.warmup);
			peerLoad.run(plan.startRate, plan.warmup);
			double cpuBefore = a.cpuSeconds() + b.cpuSeconds();
			for (int pair = 0; pair < plan.pairs; pair++) {
				Results.Pair result = new Results.Pair();
				double from = (pair == 0) ? plan.startRate
						: Math.max(plan.startRate, results.pairs.get(0).porchlightCapacity() * 0.5);
				double peerFrom = (pair == 0) ? plan.startRate
						: Math.max(plan.startRate, results.pairs.get(0).peerCapacity() * 0.5);
				result.porchlight = capacity(porchlightLoad, from, plan);
				result.peer = capacity(peerLoad, peerFrom, plan);
				double half = Math.max(plan.startRate / 2, result.peerCapacity() * 0.5);
				log("Pair " + (pair + 1) + ": both at 50% of the peer's capacity, " + Math.round(half) + "/s");
				result.halfRate = half;
				settle(porchlightLoad);
				result.porchlightAtHalf = porchlightLoad.run(half, plan.step);
				log(result.porchlightAtHalf.line());
				settle(peerLoad);
				result.peerAtHalf = peerLoad.run(half, plan.step);
				log(result.peerAtHalf.line());
				results.pairs.add(result);
			}
			results.porchlightCpuSeconds = a.cpuSeconds() + b.cpuSeconds() - cpuBefore;
			results.porchlightCapacityHeap = a.metric("jvm_memory_used_bytes", "area=\"heap\"");

			// Overload: twice Porchlight's capacity, then back to half of it.
			double capacity = Math.max(plan.startRate, results.medianPorchlightCapacity());
			log(String.format("Overload: %.0f/s for %d s, then %.0f/s", 2 * capacity, plan.overload.toSeconds(),
					capacity / 2));
			settle(porchlightLoad);
			results.overload = porchlightLoad.run(2 * capacity, plan.overload);
			log(results.overload.line());
			results.afterOverload = porchlightLoad.run(capacity / 2, plan.recovery);
			log(results.afterOverload.line());
			settle(peerLoad);
			results.peerOverload = peerLoad.run(2 * capacity, plan.overload);
			log(results.peerOverload.line());
			results.peerAfterOverload = peerLoad.run(capacity / 2, plan.recovery);
			log(results.peerAfterOverload.line());

			// One node of each, visitors and owners on the same node.
			log("Single node: one Porchlight node against one peer node");
			try (LoadGenerator single = new LoadGenerator(
					new ChatSystem.Porchlight(List.of(a.port), siteKey, porchlight.session()), plan.visitors);
					LoadGenerator singlePeer = new LoadGenerator(new ChatSystem.SocketIo(List.of(peerA.port)),
							plan.visitors)) {
				single.run(plan.startRate, plan.step);
				singlePeer.run(plan.startRate, plan.step);
				results.singlePorchlight = capacity(single, plan.startRate, plan);
				results.singlePeer = capacity(singlePeer, plan.startRate, plan);
			}

		}
	}

	/**
	 * Waits until a system has worked off what an overload left queued (an earlier step
	 * far above its capacity can leave seconds of backlog): light probes until one meets
	 * the latency criterion, at most about two minutes. Every measurement starts from a
	 * drained system.
	 */
	static void settle(LoadGenerator load) {
		for (int i = 0; i < 20; i++) {
			LoadGenerator.Result probe = load.run(50, Duration.ofSeconds(2));
			if (probe.meets()) {
				return;
			}
			log("Still draining: " + probe.line());
		}
	}

	static List<LoadGenerator.Result> capacity(LoadGenerator load, double from, Plan plan) {
		settle(load);
		List<LoadGenerator.Result> steps = new ArrayList<>();
		double rate = from;
		for (int i = 0; i < plan.maxSteps; i++) {
			LoadGenerator.Result result = load.run(rate, plan.step);
			log(result.line());
			steps.add(result);
			if (!result.meets()) {
				break;
			}
			rate *= plan.factor;
			LoadGenerator.sleep(Duration.ofSeconds(1));
		}
		return steps;
	}

	/**
	 * Runs one system at a rate for 20 s and logs the CPU each process used per visitor
	 * message (each answered one in ten by the owner), in microseconds.
	 */
	static void cost(LoadGenerator load, double rate, Map<String, Long> processes, Path work) {
		Map<String, Double> before = new java.util.TreeMap<>();
		processes.forEach((name, pid) -> before.put(name, Machine.cpuSeconds(pid)));
		before.put("postgres", Machine.postgresCpuSeconds(work.resolve("postgres")));
		before.put("generator", Machine.cpuSeconds(ProcessHandle.current().pid()));
		LoadGenerator.Result result = load.run(rate, Duration.ofSeconds(20));
		StringBuilder line = new StringBuilder(result.system() + " CPU per message:");
		double total = 0;
		for (Map.Entry<String, Double> entry : before.entrySet()) {
			double now = switch (entry.getKey()) {
				case "postgres" -> Machine.postgresCpuSeconds(work.resolve("postgres"));
				case "generator" -> Machine.cpuSeconds(ProcessHandle.current().pid());
				default -> Machine.cpuSeconds(processes.get(entry.getKey()));
			};
			double micros = (now - entry.getValue()) * 1e6 / result.sent();
			total += micros;
			line.append(String.format(" %s %.0f µs,", entry.getKey(), micros));
		}
		log(line.append(String.format(" total %.0f µs | ", total)).append(result.line()).toString());
	}

	/**
	 * Scenario 3: messages appended straight into Redis by the product's append step, at
	 * the plan's rate, over few and over very many new conversations; the nodes archive
	 * them.
	 */
	private static void archival(Results results, Plan plan, Api owner, Node a, Node b, EmbeddedRedisServer redis,
			EmbeddedPostgresServer postgres, String jdbcUrl, Path work) throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				redisConfiguration(redis.port(), redis.password()));
		factory.afterPropertiesSet();
		factory.start();
		try {
			BenchAppends appends = new BenchAppends(new StringRedisTemplate(factory));
			for (int count : plan.archiveConversations) {
				var archiveSite = owner.postJson("/api/v1/sites",
						Map.of("name", "Archive " + count, "allowedOrigins", List.of()), Map.of());
				log("Archival: " + count + " new conversations");
				UUID archiveSiteId = UUID.fromString(archiveSite.path("id").asString());
				var conversations = Archival.conversations(appends, jdbcUrl, archiveSiteId, count);
				log("Archival: " + plan.archiveRate + " appends/s for " + plan.archiveDuration.toSeconds() + " s over "
						+ count + " conversations");
				// Redis's and PostgreSQL's own account of where their time went during
				// the run.
				factory.getConnection().serverCommands().resetConfigStats();
				resetStatements(postgres);
				Archival.Figures figures = Archival.run(appends, jdbcUrl, archiveSiteId, conversations,
						plan.archiveRate, plan.archiveDuration, () -> counters(List.of(a, b), redis, postgres, work));
				results.archival.add(figures);
				logArchival("Archival", figures, factory, postgres);
			}
			// Every append a new conversation's first message: the archive writes each
			// conversation's row with it.
			var freshSite = owner.postJson("/api/v1/sites",
					Map.of("name", "Archive new conversations", "allowedOrigins", List.of()), Map.of());
			log("Archival: " + plan.archiveRate + " appends/s for " + plan.archiveDuration.toSeconds()
					+ " s, each the first message of a new conversation");
			factory.getConnection().serverCommands().resetConfigStats();
			resetStatements(postgres);
			Archival.Figures figures = Archival.runNewConversations(appends, jdbcUrl,
					UUID.fromString(freshSite.path("id").asString()), plan.archiveRate, plan.archiveDuration,
					() -> counters(List.of(a, b), redis, postgres, work));
			results.archival.add(figures);
			logArchival("Archival (new conversations)", figures, factory, postgres);
		}
		finally {
			factory.destroy();
		}
	}

	/** What one archival case measured, and where Redis's and PostgreSQL's time went. */
	private static void logArchival(String label, Archival.Figures figures, LettuceConnectionFactory factory,
			EmbeddedPostgresServer postgres) throws java.sql.SQLException {
		log(String.format(
				"%s: appended %.0f/s, archived %.0f/s, lag p50 %d p99 %d max %d ms, drain %.1f s, "
						+ "%.0f statements/s, %.0f commits/s, CPU %s",
				label, figures.appendedRate(), figures.archivedRate(), figures.lagMs().getValueAtPercentile(50),
				figures.lagMs().getValueAtPercentile(99), figures.lagMs().getMaxValue(), figures.drainSeconds(),
				figures.perSecond(figures.statements()), figures.perSecond(figures.commits()), figures.cpuSeconds()));
		log("Archival: Redis commands by CPU: " + redisCommands(factory));
		log("Archival: PostgreSQL statements by time: " + topStatements(postgres));
	}

	private static void resetStatements(EmbeddedPostgresServer postgres) throws java.sql.SQLException {
		try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
			db.createStatement().execute("select pg_stat_statements_reset()");
		}
	}

	/**
	 * The statements PostgreSQL spent the most time on since the last reset
	 * ({@code pg_stat_statements}, planning and execution, triggers included in the
	 * statement that fired them): calls, milliseconds and the statement's start.
	 */
	private static String topStatements(EmbeddedPostgresServer postgres) throws java.sql.SQLException {
		try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
				var rows = db.createStatement().executeQuery("""
						select calls, round(total_exec_time + total_plan_time) as ms,
						       left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query
						  from pg_stat_statements
						 order by total_exec_time + total_plan_time desc limit 8""")) {
			List<String> top = new java.util.ArrayList<>();
			while (rows.next()) {
				top.add(String.format(java.util.Locale.ROOT, "%,d calls %,d ms [%s]", rows.getLong(1), rows.getLong(2),
						rows.getString(3)));
			}
			return String.join("; ", top);
		}
	}

	/**
	 * The Redis commands that used the most CPU since the last reset (INFO commandstats):
	 * calls and milliseconds each.
	 */
	private static String redisCommands(LettuceConnectionFactory factory) {
		java.util.Properties stats = factory.getConnection().serverCommands().info("commandstats");
		record Command(String name, long calls, long usec) {
		}
		List<Command> commands = new java.util.ArrayList<>();
		stats.forEach((key, value) -> {
			Map<String, String> fields = new java.util.HashMap<>();
			for (String part : value.toString().split(",")) {
				String[] pair = part.split("=", 2);
				fields.put(pair[0], pair[1]);
			}
			commands.add(new Command(key.toString().replace("cmdstat_", ""), Long.parseLong(fields.get("calls")),
					Long.parseLong(fields.get("usec"))));
		});
		return commands.stream()
			.sorted((x, y) -> Long.compare(y.usec(), x.usec()))
			.limit(12)
			.map((c) -> String.format(java.util.Locale.ROOT, "%s %,d calls %,d ms", c.name(), c.calls(),
					c.usec() / 1000))
			.collect(java.util.stream.Collectors.joining("; "));
	}

	/**
	 * CPU used so far by each process of the run, and PostgreSQL's and the archiver's
	 * counters.
	 */
	static Archival.Counters counters(List<Node> porchlight, EmbeddedRedisServer redis, EmbeddedPostgresServer postgres,
			Path work) {
		Map<String, Double> cpu = new java.util.LinkedHashMap<>();
		long batches = 0;
		Map<Double, Double> lag = new java.util.HashMap<>();
		for (Node node : porchlight) {
			cpu.put(node.name, node.cpuSeconds());
			batches += (long) node.metric("porchlight_archive_batches_total", "");
			node.buckets("porchlight_archive_lag_seconds_bucket")
				.forEach((le, count) -> lag.merge(le, count, Double::sum));
		}
		cpu.put("redis", Machine.cpuSeconds(Machine.redisPid(redis.port(), redis.password())));
		cpu.put("postgres", Machine.postgresCpuSeconds(work.resolve("postgres")));
		cpu.put("generator", Machine.cpuSeconds(ProcessHandle.current().pid()));
		try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
			var rows = db.createStatement()
				.executeQuery("select (select coalesce(sum(calls), 0) from pg_stat_statements s "
						+ "join pg_database d on d.oid = s.dbid where d.datname = current_database()), "
						+ "xact_commit, tup_inserted from pg_stat_database where datname = current_database()");
			rows.next();
			return new Archival.Counters(cpu, rows.getLong(1), rows.getLong(2), batches, rows.getLong(3), lag);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static RedisStandaloneConfiguration redisConfiguration(int port, String password) {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration("127.0.0.1", port);
		configuration.setPassword(password);
		return configuration;
	}

	static void log(String message) {
		System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + message);
		System.out.flush();
	}

	private static String arg(String[] args, String name, String fallback) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return fallback;
	}

	private static void deleteRecursively(Path path) throws Exception {
		if (Files.exists(path)) {
			try (var walk = Files.walk(path)) {
				walk.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
	}

	/** How big and long each part is: full for the report, quick to check the harness. */
	record Plan(String heap, int idleSockets, int idleProcesses, int visitors, double startRate, double factor,
			int maxSteps, Duration step, Duration warmup, int pairs, double archiveRate, Duration archiveDuration,
			List<Integer> archiveConversations, int searchMessages, Duration searchDuration, Duration overload,
			Duration recovery, int uploads) {

		// The warm-up is long on purpose: profiling showed a JVM that has not finished
		// compiling its hot paths (C2 busy for the first minute) measuring 100 times
		// slower than itself a minute later.
		static final Plan FULL = new Plan("1g", 15_000, 4, 200, 300, 1.5, 10, Duration.ofSeconds(10),
				Duration.ofSeconds(60), 3, 10_000, Duration.ofSeconds(60), List.of(1_000, 100_000), 1_000_000,
				Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(20), 20);

		static final Plan QUICK = new Plan("512m", 600, 2, 40, 200, 2.0, 3, Duration.ofSeconds(3),
				Duration.ofSeconds(5), 1, 10_000, Duration.ofSeconds(3), List.of(40, 2_000), 20_000,
				Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(3), 4);

	}

}
