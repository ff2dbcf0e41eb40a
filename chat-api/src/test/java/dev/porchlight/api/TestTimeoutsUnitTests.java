package dev.porchlight.api;

import java.time.Duration;

import dev.porchlight.persistence.testing.HangDiagnostics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This module's test settings fail a hung test, with a thread dump and the logs of the
 * nodes it started, well within five minutes (how that works is shown by
 * chat-persistence's {@code HangDiagnosticsUnitTests}).
 */
class TestTimeoutsUnitTests {

	@Test
	void aHangFailsThisModulesBuildWithinFourMinutes() {
		assertThat(HangDiagnostics.longestHang()).isLessThanOrEqualTo(Duration.ofMinutes(4));
	}

}
