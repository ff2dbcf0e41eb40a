package dev.porchlight.api.live;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.HttpProbe;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.TestNodes;
import dev.porchlight.persistence.testing.RealEngines;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node is killed with SIGKILL ({@code kill -9}) while visitors write to it at a steady
 * rate. Nodes run as separate JVM processes on shared PostgreSQL and Redis. Each visitor
 * behaves like the widget: it resends an unacknowledged message with the same client id
 * after reconnecting to the surviving node. Afterwards the history is checked like a
 * linearizability checker would: every acknowledged message is in the log exactly once,
 * in the order it was sent, with no gap in the sequence.
 */
class NodeKillIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final int VISITORS = 3;

	@Test
	void killingANodeLosesAndDoublesNoAcknowledgedMessage() throws Exception {
		RealEngines.Isolated engines = RealEngines.get().isolated("node-kill");
		List<String> shared = List.of("--porchlight.public-url=" + APP, "--porchlight.owner.email=owner@shop.example",
				"--porchlight.owner.password=owner password 123", "--porchlight.embedded.enabled=false",
				// The steady load is above a visitor's default rate limit: this test is
				// about the
				// fault, not the limit.
				"--porchlight.live.visitor-messages=100000", "--porchlight.demo.enabled=false",
				"--spring.datasource.url=" + engines.postgres().getJdbcUrl(),
				"--spring.datasource.username=" + engines.postgres().getUsername(),
				"--spring.datasource.password=" + engines.postgres().getPassword(),
				"--spring.datasource.hikari.maximum-pool-size=3",
				"--spring.data.redis.url=redis://:" + engines.redis().getPassword() + "@" + engines.redis().host() + ":"
						+ engines.redis().port() + "/" + engines.redis().database());
		Node doomed = Node.start("doomed", shared);
		Node survivor = Node.start("survivor", shared);
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		try {
			doomed.awaitReady();
			survivor.awaitReady();
			ApiClient owner = new ApiClient(doomed.port);
			owner.signIn("owner@shop.example", "owner password 123");
			String siteKey = owner
				.post("/api/v1/sites", ApiClient.json(Map.of("name", "Shop", "allowedOrigins", List.of())))
				.text("/siteKey");

			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong killedAt = new AtomicLong();
			List<Writer> writers = new ArrayList<>();
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < VISITORS; i++) {
				Writer writer = new Writer("v" + i, siteKey, doomed.port, survivor.port, running, killedAt);
				writers.add(writer);
				futures.add(pool.submit(writer));
			}
			Thread.sleep(1500);
			killedAt.set(System.nanoTime());
			doomed.kill();
			Thread.sleep(3000);
			running.set(false);
			for (Future<?> future : futures) {
				future.get();
			}

			long acked = 0;
			long stored = 0;
			long lost = 0;
			long duplicated = 0;
			long recovery = 0;
			for (Writer writer : writers) {
				List<String> log = logOf(survivor.port, writer);
				acked += writer.acked.size();
				stored += log.size();
				for (String clientId : writer.acked.keySet()) {
					long copies = log.stream().filter(clientId::equals).count();
					lost += (copies == 0) ? 1 : 0;
					duplicated += Math.max(0, copies - 1);
				}
				// In the order sent: the log is the client ids in sequence order.
				assertThat(log).as("%s's log: each message once, in send order", writer.name).isEqualTo(writer.sent);
				assertThat(log).as("%s: every acknowledged message stored", writer.name)
					.containsAll(writer.acked.keySet());
				recovery = Math.max(recovery, writer.recoveredAfter.get());
			}
			System.out.printf(
					"Node kill -9: acked %d, stored %d, lost %d, duplicated %d, longest time to the first ack on the "
							+ "surviving node %d ms%n",
					acked, stored, lost, duplicated, Duration.ofNanos(recovery).toMillis());
			assertThat(lost).isZero();
			assertThat(duplicated).isZero();
			assertThat(acked).as("messages acknowledged").isGreaterThan(VISITORS * 10L);
		}
		finally {
			pool.shutdownNow();
			doomed.kill();
			survivor.stop();
		}
	}

	/**
	 * The log of a writer's conversation as the surviving node serves it: client ids by
	 * sequence.
	 */
	private static List<String> logOf(int port, Writer writer) {
		try (LiveTestClient reader = LiveTestClient.visitor(port, APP, writer.token)) {
			reader.next("welcome");
			reader.send(Map.of("type", "subscribe", "conversationId", writer.conversation, "afterSeq", 0));
			List<String> log = new ArrayList<>();
			long expected = 1;
			while (true) {
				JsonNode frame = reader.next((node) -> node.path("type").asString().equals("event")
						|| node.path("type").asString().equals("synced"), "the log");
				if (frame.path("type").asString().equals("synced")) {
					return log;
				}
				assertThat(frame.path("seq").asLong()).as("no gap in %s's sequence", writer.name).isEqualTo(expected++);
				log.add(frame.path("message").path("clientId").asString());
			}
		}
	}

	/**
	 * One visitor writing a message every 40 ms, the way the widget does it: a message
	 * stays unacknowledged until the server answers {@code ack}; if the socket dies first
	 * it is sent again, with the same client id, on a new socket to the other node.
	 */
	static final class Writer implements Runnable {

		final String name;

		final List<String> sent = new ArrayList<>();

		final Map<String, Long> acked = new LinkedHashMap<>();

		final AtomicLong recoveredAfter = new AtomicLong();

		final String token;

		final String conversation;

		private final int[] ports;

		private final AtomicBoolean running;

		private final AtomicLong killedAt;

		private int node;

		private LiveTestClient socket;

		Writer(String name, String siteKey, int first, int second, AtomicBoolean running, AtomicLong killedAt) {
			this.name = name;
			this.ports = new int[] { first, second };
			this.running = running;
			this.killedAt = killedAt;
			this.token = new ApiClient(first).header("Origin", APP)
				.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", siteKey)))
				.text("/token");
			this.socket = LiveTestClient.visitor(first, APP, this.token);
			this.conversation = this.socket.startConversation();
		}

		@Override
		public void run() {
			int k = 0;
			while (this.running.get()) {
				String clientId = this.name + "-" + k++;
				this.sent.add(clientId);
				while (!this.acked.containsKey(clientId)) {
					try {
						JsonNode ack = this.socket.say(this.conversation, clientId, "message " + clientId,
								Duration.ofSeconds(2));
						this.acked.put(clientId, ack.path("seq").asLong());
						long killed = this.killedAt.get();
						if (killed != 0 && this.node == 1 && this.recoveredAfter.get() == 0) {
							this.recoveredAfter.set(System.nanoTime() - killed);
						}
					}
					catch (RuntimeException | AssertionError ex) {
						// The node is gone: reconnect to the other one and resend.
						this.socket.close();
						this.node = 1;
						this.socket = connect(this.ports[1]);
					}
				}
				sleep(40);
			}
			this.socket.close();
		}

		private LiveTestClient connect(int port) {
			while (true) {
				try {
					LiveTestClient client = LiveTestClient.visitor(port, APP, this.token);
					client.next("welcome");
					return client;
				}
				catch (RuntimeException | AssertionError ex) {
					sleep(200);
				}
			}
		}

	}

	/** A Porchlight node in its own JVM process. */
	static final class Node {

		final int port;

		private final Process process;

		private final Path log;

		private Node(int port, Process process, Path log) {
			this.port = port;
			this.process = process;
			this.log = log;
		}

		static Node start(String name, List<String> shared) {
			int port = TestNodes.freePort();
			String java = ProcessHandle.current().info().command().orElse("java");
			List<String> command = new ArrayList<>(
					List.of(java, "-Xmx320m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
							PorchlightApplication.class.getName(), "--server.port=" + port));
			command.addAll(shared);
			try {
				Path log = Files.createTempFile("porchlight-" + name, ".log");
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.directory(new File(System.getProperty("java.io.tmpdir")))
					.start();
				return new Node(port, process, log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void awaitReady() throws IOException {
			Instant deadline = Instant.now().plusSeconds(90);
			while (Instant.now().isBefore(deadline)) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("The node exited: " + Files.readString(this.log));
				}
				try {
					HttpResponse<String> ready = HttpProbe.get(this.port, "/actuator/health/readiness");
					if (ready.statusCode() == 200) {
						return;
					}
				}
				catch (RuntimeException notYet) {
					// not listening yet
				}
				sleep(250);
			}
			throw new IllegalStateException("The node did not become ready: " + Files.readString(this.log));
		}

		/** SIGKILL: no shutdown hook, no graceful close of anything. */
		void kill() {
			this.process.destroyForcibly();
		}

		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
