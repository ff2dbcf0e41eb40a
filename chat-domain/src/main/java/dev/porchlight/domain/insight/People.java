package dev.porchlight.domain.insight;

import java.time.LocalDate;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Who the customers of a period were, and when and from where they came.
 *
 * @param conversations conversations started in the period
 * @param previousConversations the same count for the period before
 * @param people distinct people (customers, else visitors)
 * @param newPeople those whose first conversation with the site is in the period
 * @param returningPeople those who had talked to the site before the period
 * @param identified how many of the people are customers on record (not only visitors)
 * @param perPerson how many people had 1, 2, 3 to 5 and 6 or more conversations
 * @param days conversations per day of the period, oldest first
 * @param arrivals conversations by weekday (Monday first) and hour, in the site's zone
 * @param pages the pages conversations started on, most first
 * @param referrers where visitors came from to that page (host), most first
 * @param longest the customers on record with the most messages of their own
 */
public record People(int conversations, int previousConversations, int people, int newPeople, int returningPeople,
		int identified, List<Count> perPerson, List<Day> days, int[][] arrivals, List<Count> pages,
		List<Count> referrers, List<Story> longest) {

	/**
	 * @param label what is counted
	 * @param count how many
	 */
	public record Count(String label, int count) {
	}

	/**
	 * @param day a day
	 * @param conversations conversations started that day
	 */
	public record Day(LocalDate day, int conversations) {
	}

	/**
	 * @param customer the customer's id
	 * @param name their name, else their email, else null
	 * @param conversations their conversations in the period
	 * @param messages what they wrote in them
	 */
	public record Story(String customer, @Nullable String name, int conversations, int messages) {
	}

}
