package dev.porchlight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Runs the JMH micro-benchmarks ({@code dev.porchlight.bench.micro}) in a process of
 * their own, after the load scenarios, so they do not share the CPU with them, and reads
 * JMH's JSON result.
 */
final class Micro {

	record Score(String benchmark, double score, double error, String unit, double p99) {
	}

	private Micro() {
	}

	static List<Score> run(Path work, boolean quick) throws Exception {
		Path result = work.resolve("jmh.json");
		String javaBin = ProcessHandle.current().info().command().orElse("java");
		String classpath = System.getProperty("java.class.path") + java.io.File.pathSeparator
				+ System.getProperty("bench.api.classes", "chat-api/target/classes");
		List<String> command = new ArrayList<>(List.of(javaBin, "-cp", classpath, "org.openjdk.jmh.Main",
				"dev.porchlight.bench.micro", "-rf", "json", "-rff", result.toString(), "-f", "1"));
		command.addAll(quick ? List.of("-wi", "1", "-w", "500ms", "-i", "1", "-r", "1s")
				: List.of("-wi", "3", "-w", "3s", "-i", "5", "-r", "3s"));
		Process process = new ProcessBuilder(command).inheritIO().start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException("JMH failed");
		}
		List<Score> scores = new ArrayList<>();
		for (JsonNode run : Api.JSON.readTree(Files.readString(result))) {
			JsonNode metric = run.path("primaryMetric");
			String name = run.path("benchmark").asString();
			// A benchmark with parameters has a row for each of their values.
			List<String> params = new ArrayList<>();
			run.path("params")
				.properties()
				.forEach((param) -> params.add(param.getKey() + "=" + param.getValue().asString()));
			String label = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1)
					+ (params.isEmpty() ? "" : " (" + String.join(", ", params) + ")");
			scores.add(new Score(label, number(metric.path("score")), number(metric.path("scoreError")),
					metric.path("scoreUnit").asString(), Double.NaN));
		}
		return scores;
	}

	/**
	 * JMH writes "NaN" (a string) for an error it cannot estimate from too few
	 * iterations.
	 */
	private static double number(JsonNode node) {
		return node.isNumber() ? node.asDouble() : Double.NaN;
	}

}
