package dev.porchlight.api.live;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.porchlight.api.web.SettingsUnitTests.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frame budget of zero would close every socket that types or pages for abuse; it stops
 * start-up instead, naming the property.
 */
class FrameLimitsUnitTests {

	@Test
	void aBudgetOfZeroIsRefused() {
		assertThat(refusal("porchlight.live.frames", FrameLimits.class,
				Map.of("porchlight.live.frames.typing-burst", "0")))
			.contains("porchlight.live.frames.typing-burst must be at least 1 (it is 0)");
		assertThat(refusal("porchlight.live.frames", FrameLimits.class,
				Map.of("porchlight.live.frames.other-per-minute", "-3")))
			.contains("porchlight.live.frames.other-per-minute must be at least 1 (it is -3)");
	}

}
