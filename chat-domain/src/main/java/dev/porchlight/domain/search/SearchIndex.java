package dev.porchlight.domain.search;

import java.time.Duration;

import dev.porchlight.domain.site.SiteId;

/**
 * The search index itself, as far as anything outside search changes it.
 */
public interface SearchIndex {

	/**
	 * Indexes a site's archived messages again in the site's current search language
	 * (after the language changed), in small transactions so that archiving goes on
	 * meanwhile. Repeating it after an interruption finishes the rest.
	 * @param site the site
	 * @return how many messages were indexed again
	 */
	long reindex(SiteId site);

	/**
	 * Appends to their conversations' search documents the messages archived since the
	 * documents were last written, for up to {@code batch} conversations, those waiting
	 * longest first. The archive only marks a conversation; until this runs, its newest
	 * archived messages are not found by search. Several nodes may run it at once: each
	 * takes conversations nobody else holds.
	 * @param batch the most conversations to take
	 * @return how many conversations were taken (fewer than {@code batch}: none wait)
	 */
	int refresh(int batch);

	/**
	 * Sends the conversation waiting longest to the back of the queue: one whose document
	 * cannot be written must not hold up every other one.
	 */
	void postponeOldest();

	/**
	 * How long the conversation waiting longest for its document has waited.
	 * @return the wait, zero when none waits
	 */
	Duration behind();

}
