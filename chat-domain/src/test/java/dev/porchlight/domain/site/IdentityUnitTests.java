package dev.porchlight.domain.site;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

import dev.porchlight.domain.common.DomainException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdentityUnitTests {

	// Known answer computed independently: python3 hmac.new(secret, b'customer-42',
	// sha256).hexdigest()
	private static final IdentitySecret SECRET = new IdentitySecret("Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF");

	private static final String SIGNATURE = "9cb3d856c89a4b456467a0e5bedebfa14d0451eb14b05e68451495686468882b";

	@Test
	void signsLikeTheSitesServerDoes() {
		assertThat(SECRET.sign("customer-42")).isEqualTo(SIGNATURE);
	}

	@Test
	void acceptsOnlyTheExactSignatureForTheExactId() {
		assertThat(SECRET.verifies("customer-42", SIGNATURE)).isTrue();
		// The documented form only: lower-case hex, nothing around it.
		assertThat(SECRET.verifies("customer-42", SIGNATURE.toUpperCase())).isFalse();
		assertThat(SECRET.verifies("customer-42", " " + SIGNATURE)).isFalse();
		assertThat(SECRET.verifies("customer-43", SIGNATURE)).isFalse();
		assertThat(SECRET.verifies("customer-42", SIGNATURE.substring(0, 63) + "0")).isFalse();
		assertThat(SECRET.verifies("customer-42", SIGNATURE.substring(0, 32))).isFalse();
		assertThat(SECRET.verifies("customer-42", "")).isFalse();
		assertThat(SECRET.verifies("customer-42", null)).isFalse();
		assertThat(IdentitySecret.generate().verifies("customer-42", SIGNATURE)).isFalse();
	}

	@Test
	void businessHoursFollowTheBusinessTimeZone() {
		BusinessHours hours = new BusinessHours(BusinessHours.zone("Europe/Berlin"),
				List.of(new BusinessHours.Opening(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(17, 0))));
		// Monday 2026-11-23 08:30 UTC is 09:30 in Berlin.
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T08:30:00Z"))).isTrue();
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T07:30:00Z"))).isFalse();
		assertThat(hours.isOpenAt(Instant.parse("2026-11-23T16:00:00Z"))).isFalse();
		assertThat(hours.isOpenAt(Instant.parse("2026-11-24T08:30:00Z"))).isFalse();
		assertThat(BusinessHours.none().isOpenAt(Instant.parse("2026-11-24T03:00:00Z"))).isTrue();
	}

	@Test
	void businessHoursRoundTripTheirTextFormAndRejectNonsense() {
		BusinessHours.Opening opening = BusinessHours.Opening.parse("FRIDAY 09:00-12:30");
		assertThat(opening.toString()).isEqualTo("FRIDAY 09:00-12:30");
		assertThat(BusinessHours.Opening.parse(opening.toString())).isEqualTo(opening);
		for (String bad : List.of("FUNDAY 09:00-12:00", "MONDAY 12:00-09:00", "MONDAY 9-5", "")) {
			assertThatExceptionOfType(DomainException.class).isThrownBy(() -> BusinessHours.Opening.parse(bad));
		}
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> BusinessHours.zone("Mars/Olympus"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_time_zone"));
	}

}
