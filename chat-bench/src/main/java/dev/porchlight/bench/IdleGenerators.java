package dev.porchlight.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link IdleClients} processes of one measurement, stepped together: every visitor's
 * token first, then every socket, then closing. Each step's answer is awaited with a
 * deadline.
 */
final class IdleGenerators implements AutoCloseable {

	private final List<Process> processes = new ArrayList<>();

	private final List<BufferedReader> answers = new ArrayList<>();

	private final List<Writer> commands = new ArrayList<>();

	IdleGenerators(boolean porchlight, int port, int sockets, int processes, String siteKey, String session)
			throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		for (int p = 0; p < processes; p++) {
			int count = sockets / processes + ((p < sockets % processes) ? 1 : 0);
			Process process = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
					IdleClients.class.getName(), porchlight ? "porchlight" : "peer", String.valueOf(port),
					String.valueOf(count), String.valueOf(p), siteKey, session)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			this.processes.add(process);
			this.answers
				.add(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
			this.commands.add(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		}
	}

	/**
	 * Waits for every process's answer to its current step.
	 * @param word the answer's first word
	 * @param timeout how long all of them may take
	 * @return the two counts each answer carries (done, failed), summed
	 */
	long[] await(String word, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		long[] sum = new long[2];
		for (BufferedReader answer : this.answers) {
			CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
				try {
					String text;
					while ((text = answer.readLine()) != null) {
						if (text.startsWith(word + " ")) {
							return text;
						}
					}
					throw new IllegalStateException("A generator ended before " + word);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			String[] parts = line.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).split(" ");
			sum[0] += Long.parseLong(parts[1]);
			sum[1] += (parts.length > 2) ? Long.parseLong(parts[2]) : 0;
		}
		return sum;
	}

	/** Tells every process to take its next step. */
	void next() throws IOException {
		for (Writer command : this.commands) {
			command.write("next\n");
			command.flush();
		}
	}

	/** CPU the processes have used so far, in seconds. */
	double cpuSeconds() {
		return this.processes.stream().mapToDouble((process) -> Machine.cpuSeconds(process.pid())).sum();
	}

	@Override
	public void close() throws InterruptedException {
		for (Process process : this.processes) {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

}
