package dev.porchlight.api.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.HttpProbe;

/**
 * A Porchlight node in its own JVM process, on this test's class path, so that it can be
 * killed with SIGKILL ({@code kill -9}) or stopped with SIGTERM like a real deployment's
 * node, and started again on the same port.
 */
final class NodeProcess {

	final String name;

	final int port;

	private final List<String> command;

	private Process process;

	private Path log;

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
		return node;
	}

	private void launch() {
		try {
			this.log = Files.createTempFile("porchlight-" + this.name, ".log");
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(this.log.toFile())
				.directory(new File(System.getProperty("java.io.tmpdir")))
				.start();
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
	 */
	void awaitReady() {
		Instant deadline = Instant.now().plusSeconds(120);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited: " + logText());
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
			Load.sleep(200);
		}
		throw new IllegalStateException(this.name + " did not become ready: " + logText());
	}

	boolean isAlive() {
		return this.process.isAlive();
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
