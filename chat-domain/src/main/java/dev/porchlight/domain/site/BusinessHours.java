package dev.porchlight.domain.site;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.porchlight.domain.common.DomainException;
import org.jspecify.annotations.Nullable;

/**
 * When the business answers chats, in its own time zone. An empty schedule means no fixed
 * hours: availability then depends only on whether staff are online.
 *
 * @param zone the business's time zone
 * @param weekly opening intervals; a day may have several
 */
public record BusinessHours(ZoneId zone, List<Opening> weekly) {

	public static final int MAX_INTERVALS = 28;

	public BusinessHours {
		Objects.requireNonNull(zone, "zone");
		weekly = List.copyOf(weekly);
		if (weekly.size() > MAX_INTERVALS) {
			throw new DomainException("invalid_business_hours", "At most " + MAX_INTERVALS + " opening intervals.");
		}
	}

	public static BusinessHours none() {
		return new BusinessHours(ZoneId.of("UTC"), List.of());
	}

	/**
	 * Parses a time zone id, with a clear error for an unknown one.
	 * @param zone e.g. {@code Europe/Berlin}
	 * @return the zone
	 */
	public static ZoneId zone(@Nullable String zone) {
		if (zone == null) {
			throw new DomainException("invalid_time_zone", "A time zone is needed, e.g. Europe/Berlin.");
		}
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new DomainException("invalid_time_zone", "Unknown time zone; use a name like Europe/Berlin.");
		}
	}

	public boolean hasSchedule() {
		return !this.weekly.isEmpty();
	}

	/**
	 * Whether the business is open at the given moment; always true without a schedule.
	 * @param at the moment
	 * @return true within an opening interval
	 */
	public boolean isOpenAt(Instant at) {
		if (!hasSchedule()) {
			return true;
		}
		ZonedDateTime local = at.atZone(this.zone);
		LocalTime time = local.toLocalTime();
		return this.weekly.stream()
			.anyMatch((opening) -> opening.day() == local.getDayOfWeek() && !time.isBefore(opening.opens())
					&& time.isBefore(opening.closes()));
	}

	/**
	 * When {@link #isOpenAt} next gives another answer than it gives at {@code at}: the
	 * next opening while closed, the next closing while open (adjacent intervals count as
	 * one). A widget shows its away state on time with it instead of asking again.
	 * @param at the moment
	 * @return the next change, empty without a schedule
	 */
	public Optional<Instant> nextChange(Instant at) {
		if (!hasSchedule()) {
			return Optional.empty();
		}
		boolean open = isOpenAt(at);
		LocalDate today = at.atZone(this.zone).toLocalDate();
		return today.minusDays(1)
			.datesUntil(today.plusDays(9))
			.flatMap((date) -> this.weekly.stream()
				.filter((opening) -> opening.day() == date.getDayOfWeek())
				.flatMap((opening) -> Stream.of(opening.opens(), opening.closes()))
				.map((time) -> date.atTime(time).atZone(this.zone).toInstant()))
			.filter((candidate) -> candidate.isAfter(at) && isOpenAt(candidate) != open)
			.min(Comparator.naturalOrder());
	}

	/**
	 * One opening interval on one day of the week.
	 *
	 * @param day the day
	 * @param opens opening time, inclusive
	 * @param closes closing time, exclusive; after {@code opens}
	 */
	public record Opening(DayOfWeek day, LocalTime opens, LocalTime closes) {

		private static final Pattern TEXT = Pattern.compile("([A-Z]+) (\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

		public Opening {
			Objects.requireNonNull(day, "day");
			Objects.requireNonNull(opens, "opens");
			Objects.requireNonNull(closes, "closes");
			if (!closes.isAfter(opens)) {
				throw new DomainException("invalid_business_hours", "An opening interval must close after it opens.");
			}
		}

		/**
		 * Parses the storage form {@code MONDAY 09:00-17:30}.
		 * @param text the text
		 * @return the interval
		 */
		public static Opening parse(@Nullable String text) {
			Matcher matcher = TEXT.matcher((text != null) ? text : "");
			try {
				if (matcher.matches()) {
					return new Opening(DayOfWeek.valueOf(matcher.group(1)), LocalTime.parse(matcher.group(2)),
							LocalTime.parse(matcher.group(3)));
				}
			}
			catch (IllegalArgumentException | DateTimeException ex) {
				// reported below
			}
			throw new DomainException("invalid_business_hours", "Opening intervals look like MONDAY 09:00-17:30.");
		}

		@Override
		public String toString() {
			return this.day.name().toUpperCase(Locale.ROOT) + " " + this.opens + "-" + this.closes;
		}

	}

}
