package dev.porchlight.api.fault;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightApplication;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.live.LiveTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node with its embedded engines, stopped with {@code SIGTERM} the way a process
 * manager stops it, shuts down in order: first the web server drains (every socket is
 * told to reconnect elsewhere, requests in flight finish), then the archiver stops, then
 * the clients of PostgreSQL and Redis close, and only then the engines stop. Its log says
 * so line by line, and shows no stack trace.
 */
class ShutdownOrderIntegrationTests {

	@TempDir
	Path dir;

	@Test
	void sigtermDrainsTheWebServerFirstAndStopsTheEnginesLastWithoutAStackTrace() {
		int port = TestNodes.freePort();
		List<String> args = List.of("--porchlight.embedded.data-dir=" + this.dir, "--porchlight.public-url=" + Load.APP,
				"--porchlight.owner.email=" + Load.OWNER_EMAIL, "--porchlight.owner.password=" + Load.OWNER_PASSWORD,
				"--logging.level.root=INFO");
		try (NodeProcess node = NodeProcess.start("shutdown", port, List.of(), PorchlightApplication.class, args)) {
			node.awaitReady();
			ApiClient owner = new ApiClient(port);
			owner.signIn(Load.OWNER_EMAIL, Load.OWNER_PASSWORD);
			String siteKey = owner
				.post("/api/v1/sites", ApiClient.json(Map.of("name", "Shop", "allowedOrigins", List.of())))
				.text("/siteKey");
			try (LiveTestClient visitor = LiveTestClient.visitor(port, Load.APP, Load.visitorToken(port, siteKey))) {
				visitor.next("welcome");

				node.stop();

				assertThat(node.isAlive()).as("stopped by SIGTERM").isFalse();
				assertThat(visitor.next("reconnect").path("reason").asString()).isEqualTo("shutdown");
			}
			List<String> log = node.logText().lines().toList();
			List<String> shutdown = log.subList(indexOf(log, "Shutting down: told 1 sockets to reconnect"), log.size());
			int drainStarted = indexOf(shutdown, "Commencing graceful shutdown");
			int drained = indexOf(shutdown, "Graceful shutdown complete");
			int archiverStopped = indexOf(shutdown, "Archiver stopped");
			int databaseClientClosed = indexOf(shutdown, "HikariPool-1 - Shutdown completed");
			int redisStopped = indexOf(shutdown, "Embedded Redis stopped");
			int postgresStopped = indexOf(shutdown, "Embedded PostgreSQL stopped");
			assertThat(drainStarted).as("sockets told to reconnect, then the web server drains").isPositive();
			assertThat(drained).as("requests finished").isGreaterThan(drainStarted);
			assertThat(archiverStopped).as("the archiver stops after the web server").isGreaterThan(drained);
			assertThat(databaseClientClosed).as("then the clients close").isGreaterThan(archiverStopped);
			assertThat(postgresStopped).as("PostgreSQL stops after its client").isGreaterThan(databaseClientClosed);
			assertThat(redisStopped).as("Redis stops after the archiver and the web server")
				.isGreaterThan(archiverStopped);
			assertThat(shutdown).as("a normal stop logs no error and no stack trace")
				.noneMatch(
						(line) -> line.startsWith("\tat ") || line.contains("Exception") || line.contains(" ERROR "));
		}
	}

	private static int indexOf(List<String> lines, String text) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		throw new AssertionError("no line with '" + text + "' in:\n" + String.join("\n", lines));
	}

}
