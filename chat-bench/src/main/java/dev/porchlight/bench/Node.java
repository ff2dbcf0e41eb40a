package dev.porchlight.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own OS process: a Porchlight node ({@code java -jar
 * porchlight.jar}) or a peer node ({@code node server.js}). Memory is read from the
 * process itself ({@code /proc/PID/status}) and, for the JVM, from its own metrics.
 */
final class Node implements AutoCloseable {

	static final String OWNER_EMAIL = "owner@bench.example";

	static final String OWNER_PASSWORD = "bench owner password 1";

	final String name;

	final int port;

	private final Process process;

	private final Path log;

	private final String healthPath;

	private Node(String name, int port, Process process, Path log, String healthPath) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
		this.healthPath = healthPath;
	}

	static Node porchlight(String name, Path jar, Path workDir, String jdbcUrl, String redisUrl, String heap) {
		int port = freePort();
		String java = ProcessHandle.current().info().command().orElse("java");
		// A fixed heap, touched at start: RSS then grows only by what lives outside the
		// heap, and what sockets keep on the heap is read as live heap after a full GC
		// (scenario 1). Without pre-touching, RSS would follow whichever heap pages
		// transient garbage touched.
		List<String> command = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
				"-jar", jar.toAbsolutePath().toString(), "--server.port=" + port,
				"--porchlight.public-url=" + ChatSystem.Porchlight.ORIGIN, "--porchlight.owner.email=" + OWNER_EMAIL,
				"--porchlight.owner.password=" + OWNER_PASSWORD, "--porchlight.embedded.enabled=false",
				"--porchlight.demo.enabled=false",
				// The benchmark measures the live path, not the abuse limits:
				// a few hundred visitors send far more than a person would.
				"--porchlight.live.visitor-messages=100000000", "--porchlight.live.staff-messages=100000000",
				"--porchlight.live.conversations-per-address=100000",
				"--porchlight.live.conversations-per-visitor=100000",
				// On one node the owner socket follows all 200 conversations
				// at once, past the default burst of 100 follow frames.
				"--porchlight.live.frames.follow-burst=100000", "--porchlight.live.frames.follow-per-minute=100000",
				// Per-site limits too: the run's visitors all share one site.
				"--porchlight.live.site-messages=100000000", "--porchlight.live.address-messages=100000000",
				"--porchlight.live.conversations-per-site=100000", "--porchlight.visitor-sessions-per-site=100000",
				// A run is longer than a visitor token's 15 minutes; the
				// widget would refresh it and reconnect, not measured here.
				"--porchlight.visitor-token-ttl=3h",
				// The one owner socket hears every message of the run; on a
				// busy machine the generator reading it may stall for seconds,
				// and the default 256 KiB would end it as a slow reader (4500).
				// The peer buffers without limit.
				"--porchlight.live.send-buffer-bytes=16777216",
				// Tomcat's default of 8192 connections would cap the idle-socket
				// scenario below its 15,000 sockets.
				"--server.tomcat.max-connections=40000", "--server.tomcat.accept-count=1000",
				"--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres",
				"--spring.datasource.password=", "--spring.data.redis.url=" + redisUrl, "--logging.level.root=WARN",
				"--logging.level.dev.porchlight=INFO"));
		// Extra JVM options for the nodes, e.g. to compare collectors:
		// BENCH_NODE_JVM_OPTS="-XX:+UseZGC" chat-bench/run --capacity
		String extra = System.getenv("BENCH_NODE_JVM_OPTS");
		if (extra != null && !extra.isBlank()) {
			command.addAll(1, List.of(extra.trim().split("\\s+")));
		}
		return start(name, port, command, Map.of(), workDir, "/actuator/health/readiness");
	}

	static Node peer(String name, Path peerDir, Path workDir, String redisUrl) {
		int port = freePort();
		// --expose-gc: scenario 1 collects the peer's garbage before it reads its RSS, as
		// it does Porchlight's (GET /gc).
		List<String> command = List.of("node", "--expose-gc", peerDir.resolve("server.js").toAbsolutePath().toString());
		return start(name, port, command, Map.of("PORT", String.valueOf(port), "REDIS_URL", redisUrl), workDir,
				"/health");
	}

	private static Node start(String name, int port, List<String> command, Map<String, String> env, Path workDir,
			String healthPath) {
		try {
			Files.createDirectories(workDir);
			Path log = workDir.resolve(name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.directory(workDir.toFile());
			builder.environment().putAll(env);
			return new Node(name, port, builder.start(), log, healthPath);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Node awaitReady() {
		Instant deadline = Instant.now().plusSeconds(180);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited: " + tail());
			}
			try {
				HttpResponse<String> ready = http
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + this.healthPath))
						.timeout(Duration.ofSeconds(2))
						.build(), HttpResponse.BodyHandlers.ofString());
				if (ready.statusCode() == 200) {
					return this;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			LoadGenerator.sleep(Duration.ofMillis(250));
		}
		throw new IllegalStateException(this.name + " did not become ready: " + tail());
	}

	long pid() {
		return this.process.pid();
	}

	/** Resident set size of the process, from {@code /proc/PID/status}. */
	long rssBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
			throw new IllegalStateException("No VmRSS for " + pid());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** CPU time (user + system) the process has used so far, in seconds. */
	double cpuSeconds() {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A full GC in the JVM ({@code jcmd PID GC.run}), so heap figures are live data. */
	/** A full collection: {@code jcmd GC.run} for a JVM, {@code GET /gc} for the peer. */
	void gc() {
		if (this.healthPath.equals("/health")) {
			try {
				HttpURLConnection gc = (HttpURLConnection) URI.create("http://127.0.0.1:" + this.port + "/gc")
					.toURL()
					.openConnection();
				gc.setConnectTimeout(5_000);
				gc.setReadTimeout(30_000);
				if (gc.getResponseCode() != 200) {
					throw new IllegalStateException(this.name + " did not collect: " + gc.getResponseCode());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return;
		}
		jcmd("GC.run");
	}

	/**
	 * Logs every collection of this JVM to a file from now on (unified logging,
	 * {@code gc} at info, each line stamped with the wall clock in milliseconds), added
	 * while it runs ({@code jcmd PID VM.log}): the nodes' command line stays that of the
	 * other scenarios.
	 * @param file where
	 */
	void logCollections(Path file) {
		jcmd("VM.log", "output=file=" + file.toAbsolutePath(), "what=gc=info", "decorators=timemillis");
	}

	/**
	 * Starts a Flight Recorder recording of this JVM, written when it ends.
	 * @param file where
	 * @param duration how long
	 */
	void record(Path file, java.time.Duration duration) {
		jcmd("JFR.start", "settings=profile", "duration=" + duration.toSeconds() + "s",
				"filename=" + file.toAbsolutePath());
	}

	/**
	 * @return the directory of the node's log (the run's work directory)
	 */
	Path workDir() {
		return this.log.getParent();
	}

	/**
	 * Writes the JVM's live-object histogram (what memory is made of) to a file.
	 * @param file where
	 */
	void histogram(Path file) {
		jcmd(ProcessBuilder.Redirect.to(file.toFile()), "GC.class_histogram");
	}

	/**
	 * Starts async-profiler (CPU, every millisecond of CPU time, Java and native frames)
	 * in this JVM, attached through {@code jcmd JVMTI.agent_load}.
	 * @param library the profiler's {@code libasyncProfiler.so}
	 */
	void startProfiler(Path library) {
		// jcmd splits its arguments at '=' unless they are quoted.
		jcmd("JVMTI.agent_load", library.toAbsolutePath().toString(), "\"start,event=itimer,interval=1ms,threads\"");
	}

	/**
	 * Stops async-profiler and writes the samples as collapsed stacks (one line per stack
	 * with its count), the input of flame graphs.
	 * @param library the profiler's library
	 * @param output where
	 */
	void stopProfiler(Path library, Path output) {
		jcmd("JVMTI.agent_load", library.toAbsolutePath().toString(),
				"\"stop,file=" + output.toAbsolutePath() + ",collapsed\"");
	}

	private void jcmd(String... command) {
		jcmd(ProcessBuilder.Redirect.DISCARD, command);
	}

	private void jcmd(ProcessBuilder.Redirect output, String... command) {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		List<String> line = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid())));
		line.addAll(List.of(command));
		try {
			Process run = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output).start();
			run.waitFor(60, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Sums a Prometheus metric of the node over all series matching a label filter.
	 * @param metric the metric name
	 * @param labelFilter text the series' labels must contain, e.g. {@code area="heap"}
	 * @return the sum
	 */
	double metric(String metric, String labelFilter) {
		String text = new Api(this.port).get("/actuator/prometheus").body();
		double sum = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith(metric + "{") && line.contains(labelFilter)) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}

	/**
	 * The cumulative buckets of a histogram the node exports: count by upper bound
	 * ({@code le}, in the metric's unit), summed over its other labels.
	 */
	Map<Double, Double> buckets(String metric) {
		String text = new Api(this.port).get("/actuator/prometheus").body();
		Map<Double, Double> buckets = new java.util.HashMap<>();
		for (String line : text.split("\n")) {
			int le = line.indexOf("le=\"");
			if (line.startsWith(metric + "{") && le > 0) {
				String bound = line.substring(le + 4, line.indexOf('"', le + 4));
				double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
				buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
			}
		}
		return buckets;
	}

	String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	/**
	 * A free port below the kernel's ephemeral range (32768 and up on Linux). A port the
	 * kernel handed out as free is also one it may hand to any outgoing connection in the
	 * seconds before the node binds it (the node's own connections to PostgreSQL, Redis
	 * and mail while it starts), and then the node cannot start.
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				// Taken; another.
			}
		}
		throw new UncheckedIOException(new IOException("no free port between 20000 and 32000"));
	}

}
