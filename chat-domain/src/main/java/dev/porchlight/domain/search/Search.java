package dev.porchlight.domain.search;

import java.util.List;

import dev.porchlight.domain.account.SiteScope;

import org.jspecify.annotations.Nullable;

/**
 * Finding stories: conversations by what was said, customers by who they are.
 */
public interface Search {

	/**
	 * One page of conversations matching a full-text query, best first (or newest first).
	 * @param query the query
	 * @return the page
	 */
	Page conversations(ConversationQuery query);

	/**
	 * Customers whose name, email, phone or a site's id for them matches, tolerating
	 * typos and partial input, best first.
	 * @param text what was typed
	 * @param limit how many at most
	 * @return the customers
	 */
	default List<CustomerHit> customers(String text, int limit) {
		return customers(text, limit, SiteScope.all());
	}

	/**
	 * Customers as a staff member limited to some sites may find them: those who belong
	 * to a site in scope, or to no site yet.
	 * @param text what was typed
	 * @param limit how many at most
	 * @param scope the sites
	 * @return the customers
	 */
	List<CustomerHit> customers(String text, int limit, SiteScope scope);

	/**
	 * A page of conversation hits.
	 *
	 * @param hits the hits on this page
	 * @param next the cursor for the next page, null on the last page
	 * @param estimatedTotal how many conversations match, counted up to a cap
	 * @param totalIsCapped whether there may be more than {@code estimatedTotal}
	 */
	record Page(List<ConversationHit> hits, @Nullable Cursor next, long estimatedTotal, boolean totalIsCapped) {
	}

}
