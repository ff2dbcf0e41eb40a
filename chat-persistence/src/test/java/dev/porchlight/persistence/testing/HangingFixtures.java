package dev.porchlight.persistence.testing;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests that hang on purpose, for {@link HangDiagnosticsUnitTests} to run through the
 * JUnit engine test kit. They run nowhere else: the build does not pick this class up
 * (its name does not end in {@code Tests}), and outside the test kit they are disabled.
 */
final class HangingFixtures {

	static final String ENABLED = "porchlight.test.fixtures";

	private HangingFixtures() {
	}

	/** A test whose wait never ends but does end when interrupted. */
	@ExtendWith(OnlyInsideTheTestKit.class)
	static class SleepsForever {

		@Test
		void sleepsForever() throws InterruptedException {
			Thread.sleep(Duration.ofMinutes(10));
		}

	}

	/**
	 * A test that swallows the interrupt, as a hand-written retry loop does, so only the
	 * watchdog can end it. It gives up by itself after 30 s, or once released, so the
	 * test of the watchdog cannot hang either.
	 */
	@ExtendWith(OnlyInsideTheTestKit.class)
	static class IgnoresInterrupts {

		private static volatile boolean released;

		static void release() {
			released = true;
		}

		@Test
		void spinsThroughInterrupts() {
			released = false;
			long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!released && System.nanoTime() < giveUp) {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ignored) {
					// the bug being simulated
				}
			}
		}

	}

	static class OnlyInsideTheTestKit implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			return context.getConfigurationParameter(ENABLED).isPresent()
					? ConditionEvaluationResult.enabled("run by HangDiagnosticsUnitTests")
					: ConditionEvaluationResult.disabled("hangs on purpose; only HangDiagnosticsUnitTests runs it");
		}

	}

}
