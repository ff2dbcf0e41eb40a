package dev.porchlight.domain.insight;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import dev.porchlight.domain.common.DomainException;

/**
 * Whole days in a site's time zone, {@code from} to {@code to} inclusive, and the period
 * of the same length just before, which figures are compared with.
 *
 * @param from the first day
 * @param to the last day
 */
public record Period(LocalDate from, LocalDate to) {

	/** The longest period asked for at once: a year, leap day included. */
	public static final int MAX_DAYS = 366;

	public Period {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		if (to.isBefore(from)) {
			throw new DomainException("invalid_period", "The period ends before it starts.");
		}
		if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
			throw new DomainException("invalid_period", "A period is at most " + MAX_DAYS + " days.");
		}
	}

	/**
	 * @param days how many days
	 * @param today the last of them
	 * @return the period of that many days up to today
	 */
	public static Period last(int days, LocalDate today) {
		if (days < 1 || days > MAX_DAYS) {
			throw new DomainException("invalid_period", "A period is 1 to " + MAX_DAYS + " days.");
		}
		return new Period(today.minusDays(days - 1L), today);
	}

	public int days() {
		return (int) ChronoUnit.DAYS.between(this.from, this.to) + 1;
	}

	/**
	 * @return the period of the same length that ends the day before this one starts
	 */
	public Period previous() {
		return new Period(this.from.minusDays(days()), this.from.minusDays(1));
	}

	/**
	 * @return the day after the last, for half-open ranges
	 */
	public LocalDate end() {
		return this.to.plusDays(1);
	}

}
