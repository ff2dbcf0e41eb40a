package dev.porchlight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/** What the report says about the machine and the versions measured. */
final class Machine {

	private Machine() {
	}

	static String cpu() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.findFirst()
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	static String memory() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal"))
				.findFirst()
				.map((line) -> String.format("%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0))
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	static String kernel() {
		return System.getProperty("os.name") + " " + System.getProperty("os.version");
	}

	static String redisVersion(int port, String password) {
		RedisClient client = RedisClient.create(
				RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray()).build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			for (String line : connection.sync().info("server").split("\r?\n")) {
				if (line.startsWith("redis_version:")) {
					return line.substring("redis_version:".length());
				}
			}
			return "unknown";
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * async-profiler's library for this machine, taken from its jar on the class path
	 * (Maven Central's {@code tools.profiler:async-profiler}) into the work directory.
	 */
	static Path asyncProfiler(Path work) throws IOException {
		Path library = work.resolve("libasyncProfiler.so");
		try (var in = Machine.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
			if (in == null) {
				throw new IllegalStateException("async-profiler is not on the class path");
			}
			Files.copy(in, library, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		return library;
	}

	/** CPU time (user + system) a process has used so far, in seconds. */
	static double cpuSeconds(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	static long redisPid(int port, String password) {
		RedisClient client = RedisClient.create(
				RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(password.toCharArray()).build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			for (String line : connection.sync().info("server").split("\r?\n")) {
				if (line.startsWith("process_id:")) {
					return Long.parseLong(line.substring("process_id:".length()).trim());
				}
			}
			return -1;
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * CPU of the PostgreSQL server: its postmaster (first line of {@code postmaster.pid})
	 * and every backend and worker it started.
	 */
	static double postgresCpuSeconds(Path dataDirectory) {
		try {
			long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
			double total = cpuSeconds(postmaster);
			try (var processes = Files.list(Path.of("/proc"))) {
				for (Path process : processes.filter((p) -> p.getFileName().toString().matches("\\d+")).toList()) {
					try {
						String stat = Files.readString(process.resolve("stat"));
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						if (Long.parseLong(fields[1]) == postmaster) {
							total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
						}
					}
					catch (IOException | RuntimeException gone) {
						// The process ended meanwhile.
					}
				}
			}
			return total;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	static String command(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			process.waitFor(10, TimeUnit.SECONDS);
			return out;
		}
		catch (IOException ex) {
			return "not found";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	static String packageVersion(Path dir) {
		try {
			return Api.JSON.readTree(Files.readString(dir.resolve("package.json"))).path("version").asString();
		}
		catch (IOException ex) {
			return "not installed";
		}
	}

}
