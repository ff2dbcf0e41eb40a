package dev.porchlight.domain.insight;

import java.time.Instant;

/**
 * Everything the insights page shows for a site and a period.
 *
 * @param period the days the figures are for
 * @param asks what customers asked for (at most {@value #TERMS} terms per list)
 * @param people who the customers were
 * @param answers how the shop answered
 * @param computedAt when these figures were computed from the counts
 */
public record Page(Period period, Asks asks, People people, Answers answers, Instant computedAt) {

	/** Terms per list on a page. */
	public static final int TERMS = 20;

}
