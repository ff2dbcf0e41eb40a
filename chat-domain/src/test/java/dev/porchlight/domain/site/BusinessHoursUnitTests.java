package dev.porchlight.domain.site;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BusinessHoursUnitTests {

	private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

	private static BusinessHours hours(String... weekly) {
		return new BusinessHours(BERLIN, List.of(weekly).stream().map(BusinessHours.Opening::parse).toList());
	}

	@Test
	void isOpenWithinAnIntervalInTheBusinessesOwnZone() {
		BusinessHours hours = hours("MONDAY 09:00-17:30");
		// Monday 2026-11-23, 08:30 UTC is 09:30 in Berlin.
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T08:30:00Z"))).isTrue();
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T07:30:00Z"))).isFalse();
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T16:30:00Z"))).isFalse();
	}

	@Test
	void theNextChangeIsTheNextClosingWhileOpenAndTheNextOpeningWhileClosed() {
		BusinessHours hours = hours("MONDAY 09:00-12:00", "MONDAY 12:00-17:30", "WEDNESDAY 10:00-11:00");
		// Open on Monday morning: adjacent intervals are one, so it closes at 17:30.
		assertThat(hours.nextChange(Instant.parse("2026-11-23T08:30:00Z")))
			.contains(Instant.parse("2026-11-23T16:30:00Z"));
		// Closed on Monday evening: it opens on Wednesday at 10:00.
		assertThat(hours.nextChange(Instant.parse("2026-11-23T18:00:00Z")))
			.contains(Instant.parse("2026-11-25T09:00:00Z"));
		// Closed on Thursday: next Monday.
		assertThat(hours.nextChange(Instant.parse("2026-11-26T12:00:00Z")))
			.contains(Instant.parse("2026-11-30T08:00:00Z"));
	}

	@Test
	void withoutASchedulePresenceAloneDecidesAndNothingChanges() {
		assertThat(BusinessHours.none().isOpenAt(Instant.now())).isTrue();
		assertThat(BusinessHours.none().nextChange(Instant.now())).isEmpty();
	}

}
