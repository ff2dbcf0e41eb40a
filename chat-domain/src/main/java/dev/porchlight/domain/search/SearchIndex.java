package dev.porchlight.domain.search;

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

}
