package dev.porchlight.domain.insight;

import java.time.Duration;
import java.util.List;

import dev.porchlight.domain.site.SiteId;

/**
 * The counts behind a site's insights, kept from the archive. Callers check that the
 * staff member serves the site; a figure never names a customer of another site.
 */
public interface Insights {

	/**
	 * @param site the site
	 * @param period the days
	 * @param limit how many terms each list holds at most
	 * @return what customers asked for
	 */
	Asks asks(SiteId site, Period period, int limit);

	/**
	 * @param site the site
	 * @param period the days
	 * @return who the customers were
	 */
	People people(SiteId site, Period period);

	/**
	 * @param site the site
	 * @param period the days
	 * @return how the shop answered
	 */
	Answers answers(SiteId site, Period period);

	/**
	 * The whole page for a period. A page of the last N days ({@code kept}) is kept once
	 * computed and shown as kept (for its own period, which may end a day earlier) until
	 * {@link #refreshPages} computes it again; a kept page is dropped when staff correct
	 * a term or a conversation it counted is removed (a customer erased), and then
	 * computed on the next request. Any other period is computed each time.
	 * @param site the site
	 * @param period the days
	 * @param kept whether the period is the last N days up to the site's today
	 * @return the page
	 */
	Page page(SiteId site, Period period, boolean kept);

	/**
	 * Computes again the kept pages someone read in the last day that have something new
	 * to show and are older than {@code fresh} for every 30 days they cover (a year's
	 * page: twelve times as long as a month's), or whose last day has passed.
	 * @param fresh how long a kept page of 30 days is shown after something new was
	 * counted
	 * @return how many were computed
	 */
	int refreshPages(Duration fresh);

	/**
	 * Counts conversations archived or changed since they were last counted, once they
	 * were first marked at least {@code settled} ago: a conversation the archive keeps
	 * writing is counted once per {@code settled}, not after every archive pass (each
	 * count reads the whole conversation). One batch, done by one node at a time.
	 * @param batch how many conversations at most
	 * @param settled how long a mark waits at least
	 * @return how many were counted (0 when none was due or another node was counting)
	 */
	int count(int batch, Duration settled);

	/**
	 * Puts the conversation that has waited longest to be counted at the back of the
	 * queue, after counting it failed, so that it holds up no other.
	 */
	void postponeOldest();

	/**
	 * @param site a site
	 * @return how many of its conversations wait to be counted
	 */
	long waiting(SiteId site);

	/**
	 * Forgets every count and marks every conversation to be counted again.
	 * @return how many conversations were marked
	 */
	long rebuild();

	/**
	 * @param site the site
	 * @return the site's corrections
	 */
	List<Term.Rule> rules(SiteId site);

	/**
	 * Sets or replaces a correction.
	 * @param site the site
	 * @param rule the correction
	 */
	void correct(SiteId site, Term.Rule rule);

	/**
	 * Removes a correction.
	 * @param site the site
	 * @param key the term
	 * @return whether there was one
	 */
	boolean uncorrect(SiteId site, String key);

}
