package dev.porchlight.domain.insight;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How the shop answered in a period. Times are in seconds: to the first reply from the
 * customer's first message, to the close from the start.
 *
 * @param all every conversation of the period
 * @param byHour by the hour the conversation started, in the site's zone (0 to 23, all
 * 24)
 * @param byStaff by who replied first (replies) and who had it when it closed (closes)
 */
public record Answers(Figures all, List<Figures> byHour, List<Figures> byStaff) {

	/**
	 * @param label what the row is about: empty for all, the hour ({@code 09}), or the
	 * staff member's name
	 * @param staff the staff member's id, for rows by staff
	 * @param asked conversations in which the customer wrote
	 * @param replied of those, conversations with a reply
	 * @param waiting of those, conversations with no reply (yet)
	 * @param replyMedian median time to the first reply, null if none
	 * @param replyP90 90th percentile of it, null if none
	 * @param closed conversations closed
	 * @param closeMedian median time to the close, null if none
	 * @param closeP90 90th percentile of it, null if none
	 */
	public record Figures(String label, @Nullable String staff, int asked, int replied, int waiting,
			@Nullable Double replyMedian, @Nullable Double replyP90, int closed, @Nullable Double closeMedian,
			@Nullable Double closeP90) {
	}

}
