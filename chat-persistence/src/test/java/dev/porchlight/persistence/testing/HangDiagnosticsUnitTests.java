package dev.porchlight.persistence.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;

/**
 * The timeout setup itself: a hung test fails, and its report carries a dump of every
 * thread and the logs of the processes it started; a test that ignores the interrupt is
 * ended by the watchdog. The hanging tests are {@link HangingFixtures}, run in a nested
 * JUnit engine with a short timeout, so nothing here waits for minutes.
 */
class HangDiagnosticsUnitTests {

	@Test
	void aHungTestFailsWithADumpOfEveryThreadAndTheLogsOfItsProcesses() throws Exception {
		try (AutoCloseable node = ProcessLogs.register("node a", () -> "started\nlast words of node a")) {
			long started = System.nanoTime();
			Captured captured = capture(() -> run(HangingFixtures.SleepsForever.class, "500 ms", "60 s"));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
			captured.results()
				.testEvents()
				.assertStatistics((stats) -> stats.started(1).failed(1))
				.failed()
				.assertThatEvents()
				.haveExactly(1, finishedWithFailure(instanceOf(TimeoutException.class)));
			assertThat(captured.output()).as("JUnit's thread dump, with the hung test's own stack")
				.contains("will be interrupted.")
				.contains("HangingFixtures$SleepsForever.sleepsForever");
			assertThat(captured.output()).as("the logs of the processes it started")
				.contains("sleepsForever() in " + HangingFixtures.SleepsForever.class.getName() + " timed out")
				.contains("node a")
				.contains("last words of node a");
		}
	}

	@Test
	void aTestThatIgnoresTheInterruptEndsTheRunAfterTheGracePeriod() {
		BlockingQueue<String> reports = new LinkedBlockingQueue<>();
		Consumer<String> endTheRun = HangDiagnostics.onStuck;
		// Instead of ending this JVM: keep the report and let the fixture return.
		HangDiagnostics.onStuck = (report) -> {
			reports.add(report);
			HangingFixtures.IgnoresInterrupts.release();
		};
		try {
			Captured captured = capture(() -> run(HangingFixtures.IgnoresInterrupts.class, "300 ms", "1 s"));
			assertThat(reports).singleElement()
				.asString()
				.contains("ignored the interrupt and still runs 1 s later")
				.contains("HangingFixtures$IgnoresInterrupts.spinsThroughInterrupts");
			captured.results()
				.testEvents()
				.failed()
				.assertThatEvents()
				.haveExactly(1, finishedWithFailure(instanceOf(TimeoutException.class)));
		}
		finally {
			HangDiagnostics.onStuck = endTheRun;
		}
	}

	@Test
	void aHangFailsThisModulesBuildWithinFourMinutes() {
		assertThat(HangDiagnostics.longestHang()).isLessThanOrEqualTo(Duration.ofMinutes(4));
	}

	@Test
	void durationsAreReadLikeJUnitsTimeouts() {
		assertThat(HangDiagnostics.duration("3 m")).isEqualTo(Duration.ofMinutes(3));
		assertThat(HangDiagnostics.duration("60 s")).isEqualTo(Duration.ofSeconds(60));
		assertThat(HangDiagnostics.duration("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(HangDiagnostics.duration("42")).isEqualTo(Duration.ofSeconds(42));
	}

	private static EngineExecutionResults run(Class<?> fixture, String timeout, String grace) {
		return EngineTestKit.engine("junit-jupiter")
			.configurationParameters(Map.of(HangingFixtures.ENABLED, "true", "junit.jupiter.execution.timeout.default",
					timeout, "junit.jupiter.execution.timeout.threaddump.enabled", "true",
					"junit.jupiter.extensions.autodetection.enabled", "true", HangDiagnostics.GRACE, grace))
			.selectors(selectClass(fixture))
			.execute();
	}

	private static Captured capture(Supplier<EngineExecutionResults> run) {
		PrintStream original = System.out;
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		try {
			EngineExecutionResults results = run.get();
			return new Captured(results, bytes.toString(StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(original);
		}
	}

	private record Captured(EngineExecutionResults results, String output) {
	}

}
