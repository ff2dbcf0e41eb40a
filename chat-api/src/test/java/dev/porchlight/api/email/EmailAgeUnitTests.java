package dev.porchlight.api.email;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code porchlight.email.reply-max-age} reads in the reason staff see.
 */
class EmailAgeUnitTests {

	@Test
	void aSettingReadsInWholeDaysHoursOrMinutes() {
		assertThat(EmailDispatcher.age(Duration.ofDays(3))).isEqualTo("3 days");
		assertThat(EmailDispatcher.age(Duration.ofDays(1))).isEqualTo("1 day");
		assertThat(EmailDispatcher.age(Duration.ofHours(36))).isEqualTo("36 hours");
		assertThat(EmailDispatcher.age(Duration.ofHours(1))).isEqualTo("1 hour");
		assertThat(EmailDispatcher.age(Duration.ofMinutes(90))).isEqualTo("90 minutes");
		assertThat(EmailDispatcher.age(Duration.ofSeconds(20))).isEqualTo("1 minute");
	}

}
