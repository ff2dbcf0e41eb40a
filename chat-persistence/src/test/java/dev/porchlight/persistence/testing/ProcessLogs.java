package dev.porchlight.persistence.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The logs of the processes a test started (Porchlight nodes, engines), so that a test
 * that hangs or fails can show what those processes were doing: their output is not in
 * the test JVM's own thread dump. {@link HangDiagnostics} prints them.
 */
public final class ProcessLogs {

	/** Lines of each log printed: enough for the last few seconds of a busy node. */
	static final int TAIL_LINES = 80;

	private static final Map<String, Supplier<String>> LOGS = new ConcurrentHashMap<>();

	private ProcessLogs() {
	}

	/**
	 * Makes a process's log part of every hang or failure report until the registration
	 * is closed.
	 * @param name the process, as reports name it
	 * @param log reads the whole log as it is now
	 * @return closes the registration
	 */
	public static AutoCloseable register(String name, Supplier<String> log) {
		LOGS.put(name, log);
		return () -> LOGS.remove(name, log);
	}

	/**
	 * @return the last lines of every registered log, each under its name, or an empty
	 * string when no process is registered
	 */
	public static String tails() {
		StringBuilder report = new StringBuilder();
		new java.util.TreeMap<>(LOGS).forEach((name, log) -> {
			report.append("----- last ").append(TAIL_LINES).append(" lines of ").append(name).append(" -----\n");
			report.append(tail(read(log))).append('\n');
		});
		return report.toString();
	}

	private static String read(Supplier<String> log) {
		try {
			return log.get();
		}
		catch (RuntimeException ex) {
			return "(log not readable: " + ex + ")";
		}
	}

	static String tail(String text) {
		List<String> lines = text.lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
	}

}
