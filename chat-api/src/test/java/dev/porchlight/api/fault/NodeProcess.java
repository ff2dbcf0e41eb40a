package dev.porchlight.api.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.HttpProbe;
import dev.porchlight.persistence.testing.ProcessLogs;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Porchlight node in its own JVM process, on this test's class path, so that it can be
 * killed with SIGKILL ({@code kill -9}) or stopped with SIGTERM like a real deployment's
 * node, and started again on the same port. Its log is part of the report of a test that
 * hangs or fails ({@link ProcessLogs}), and it does not outlive the test JVM.
 */
final class NodeProcess implements AutoCloseable {

	/** How long a node may take to become ready on a busy machine. */
	static final Duration READY_TIMEOUT = Duration.ofSeconds(150);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		// A test JVM ended by a timeout watchdog or by Surefire must not leave nodes
		// behind on their ports.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "node-processes-shutdown"));
	}

	final String name;

	final int port;

	private final List<String> command;

	private Process process;

	private Path log;

	private AutoCloseable logRegistration = () -> {
	};

	private NodeProcess(String name, int port, List<String> command) {
		this.name = name;
		this.port = port;
		this.command = command;
	}

	/**
	 * @param name for its log file
	 * @param port where it listens, kept across restarts
	 * @param jvmOptions {@code -D…} options
	 * @param mainClass the class whose {@code main} runs the node
	 * @param args the application's arguments
	 * @return the node, starting (see {@link #awaitReady()})
	 */
	static NodeProcess start(String name, int port, List<String> jvmOptions, Class<?> mainClass, List<String> args) {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx320m", "-XX:TieredStopAtLevel=1"));
		command.addAll(jvmOptions);
		command.addAll(
				List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(), "--server.port=" + port));
		command.addAll(args);
		NodeProcess node = new NodeProcess(name, port, command);
		node.launch();
		node.logRegistration = ProcessLogs.register("node " + name + " (port " + port + ")", node::logText);
		return node;
	}

	private void launch() {
		try {
			this.log = Files.createTempFile("porchlight-" + this.name, ".log");
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(this.log.toFile())
				.directory(new File(System.getProperty("java.io.tmpdir")))
				.start();
			RUNNING.add(this.process);
			this.process.onExit().thenAccept(RUNNING::remove);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts the node again, on the same port, after it was killed or stopped. */
	void restart() {
		if (this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is still running");
		}
		launch();
	}

	/**
	 * Waits until readiness answers 200.
	 * @throws IllegalStateException with the node's log when it exited or was not ready
	 * within {@link #READY_TIMEOUT}
	 */
	void awaitReady() {
		try {
			Awaitility.await()
				.atMost(READY_TIMEOUT)
				.pollInterval(Duration.ofMillis(200))
				.ignoreExceptions()
				.failFast(this.name + " exited", () -> !this.process.isAlive())
				.until(() -> HttpProbe.get(this.port, "/actuator/health/readiness").statusCode() == 200);
		}
		catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException ex) {
			throw new IllegalStateException(this.name + " did not become ready (" + ex.getMessage() + "): " + logText(),
					ex);
		}
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Kills the node for good: its log is no longer part of reports. */
	@Override
	public void close() {
		kill();
		try {
			this.logRegistration.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** SIGKILL: no shutdown hook, nothing closed gracefully. */
	void kill() {
		this.process.destroyForcibly();
		waitForExit();
	}

	/** SIGTERM: graceful shutdown, as a rolling restart does it. */
	void stop() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		waitForExit();
	}

	/** Waits for a node that is ending by itself (e.g. a crash it was told to have). */
	void waitForExit() {
		try {
			this.process.waitFor(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	String logText() {
		try {
			String text = Files.readString(this.log);
			return (text.length() > 20_000) ? text.substring(text.length() - 20_000) : text;
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
