package dev.porchlight.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Scenario 1: idle visitor sockets on one node, what they cost it and how fast they open.
 */
final class IdleSockets {

	private IdleSockets() {
	}

	/**
	 * Visitors who arrive and leave before a node is measured, in rounds of 10,000 (a
	 * generator process holds at most 20,000 sockets).
	 */
	static final int WARMUP = 30_000;

	/**
	 * Holds idle visitor sockets on one node and measures what they cost: first
	 * {@link #WARMUP} visitors arrive and leave, because a node in service has compiled
	 * its handshake path (C2 compiles a method after about 10,000 calls; a run warmed by
	 * 10,000 visitors still spent 10 s of the node's CPU compiling the handshake while it
	 * measured), then {@code sockets} visitors each ask for a token and then open their
	 * socket, timed apart (the peer issues no tokens).
	 * @param profiler async-profiler's library, to sample the node's CPU while the
	 * measured visitors get their tokens and while their sockets open (written to
	 * {@code idle-tokens.collapsed} and {@code idle-open.collapsed}), or {@code null}
	 */
	static Results.Idle measure(Node node, boolean jvm, int sockets, int processes, String siteKey, String session,
			boolean porchlight, Path profiler) throws Exception {
		Bench.log("Idle sockets: " + WARMUP + " visitors arrive and leave on " + node.name + " to warm it up");
		for (int round = 0; round < WARMUP / 10_000; round++) {
			try (IdleGenerators warmup = new IdleGenerators(porchlight, node.port, 10_000, 1, siteKey, session)) {
				warmup.await("TOKENS", Duration.ofMinutes(5));
				warmup.next();
				warmup.await("READY", Duration.ofMinutes(5));
				warmup.next();
				warmup.await("HELD", Duration.ofMinutes(1));
			}
		}
		Bench.log("Idle sockets: " + sockets + " on " + node.name + " from " + processes + " generator processes");
		// The warm-up's garbage collected on both systems, so that neither counts it.
		// Twice,
		// a few seconds apart: the closed sockets' objects that wait for a cleaner or a
		// finalizer survive the first collection (one run counted 9,785 closed Tomcat
		// socket wrappers as live after one), and would be freed during the measurement,
		// making the sockets measured look smaller.
		collect(node);
		if (jvm) {
			// The same histogram before the sockets: what each socket keeps is the
			// difference.
			node.histogram(node.workDir().resolve(node.name + "-idle-histogram-before.txt"));
		}
		LoadGenerator.sleep(Duration.ofSeconds(2));
		long rssBefore = node.rssBytes();
		double heapBefore = jvm ? node.metric("jvm_memory_used_bytes", "area=\"heap\"") : 0;
		double directBefore = jvm ? node.metric("jvm_buffer_memory_used_bytes", "id=\"direct\"") : 0;
		try (IdleGenerators generators = new IdleGenerators(porchlight, node.port, sockets, processes, siteKey,
				session)) {
			if (profiler != null && porchlight) {
				node.startProfiler(profiler);
			}
			double nodeCpuStart = node.cpuSeconds();
			long started = System.nanoTime();
			long[] tokens = generators.await("TOKENS", Duration.ofMinutes(10));
			double tokenSeconds = (System.nanoTime() - started) / 1e9;
			double tokenCpu = node.cpuSeconds() - nodeCpuStart;
			if (profiler != null && porchlight) {
				node.stopProfiler(profiler, node.workDir().resolve("idle-tokens.collapsed"));
			}
			double generatorCpuBefore = generators.cpuSeconds();
			if (profiler != null) {
				node.startProfiler(profiler);
			}
			double nodeCpuBefore = node.cpuSeconds();
			started = System.nanoTime();
			generators.next();
			long[] ready = generators.await("READY", Duration.ofMinutes(10));
			double connectSeconds = (System.nanoTime() - started) / 1e9;
			double nodeCpu = node.cpuSeconds() - nodeCpuBefore;
			double generatorCpu = generators.cpuSeconds() - generatorCpuBefore;
			if (profiler != null) {
				node.stopProfiler(profiler, node.workDir().resolve("idle-open.collapsed"));
			}
			long open = ready[0];
			LoadGenerator.sleep(Duration.ofSeconds(2));
			collect(node);
			if (jvm) {
				node.histogram(node.workDir().resolve(node.name + "-idle-histogram.txt"));
			}
			long rssAfter = node.rssBytes();
			double heapAfter = jvm ? node.metric("jvm_memory_used_bytes", "area=\"heap\"") : 0;
			double directAfter = jvm ? node.metric("jvm_buffer_memory_used_bytes", "id=\"direct\"") : 0;
			generators.next();
			long held = generators.await("HELD", Duration.ofMinutes(1))[0];
			Results.Idle idle = new Results.Idle(node.name, sockets, open, ready[1], held, rssBefore, rssAfter,
					heapBefore, heapAfter, directBefore, directAfter, porchlight ? tokenSeconds : 0, connectSeconds,
					porchlight ? tokenCpu : 0, nodeCpu);
			Bench.log(String.format(
					"%s: %s%d open in %.1f s, %d failed, %d still open at the end; RSS %.1f -> %.1f MiB = %.1f KiB/socket; heap %.1f KiB/socket, direct %.1f KiB/socket; CPU while opening: node %.2f ms/socket, generators %.2f ms/socket",
					node.name,
					porchlight ? String.format("%d tokens in %.1f s (node CPU %.2f ms each), ", tokens[0], tokenSeconds,
							1000 * tokenCpu / Math.max(1, tokens[0])) : "",
					open, connectSeconds, ready[1], held, rssBefore / 1048576.0, rssAfter / 1048576.0,
					idle.rssPerSocket() / 1024, idle.heapPerSocket() / 1024, idle.directPerSocket() / 1024,
					1000 * nodeCpu / Math.max(1, open), 1000 * generatorCpu / Math.max(1, open)));
			LoadGenerator.sleep(Duration.ofSeconds(3));
			return idle;
		}
	}

	private static void collect(Node node) {
		node.gc();
		LoadGenerator.sleep(Duration.ofSeconds(3));
		node.gc();
		LoadGenerator.sleep(Duration.ofSeconds(1));
	}

}
