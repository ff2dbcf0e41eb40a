package dev.porchlight.domain.customer;

import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.conversation.ConversationId;

import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

/**
 * The customers of the business.
 */
public interface Customers {

	void add(Customer customer);

	Optional<Customer> findById(CustomerId id);

	/**
	 * The customer a site vouched for under its own id.
	 * @param site the site
	 * @param externalId the site's id for the customer
	 * @return the customer, if the site vouched for one before
	 */
	Optional<Customer> findByExternalId(SiteId site, String externalId);

	/**
	 * Records that a site knows this customer under {@code externalId}. Idempotent; if
	 * another customer already holds that id on that site, that customer is returned.
	 * @param site the site
	 * @param externalId the site's id
	 * @param customer the customer
	 * @return the customer who holds the id now
	 */
	CustomerId attachExternalId(SiteId site, String externalId, CustomerId customer);

	/**
	 * Stores changed contact details.
	 * @param customer the customer as it should be
	 */
	void update(Customer customer);

	/**
	 * The customer's conversations in the archive, newest first: their story.
	 * @param customer the customer
	 * @return the conversations' ids
	 */
	List<ConversationId> conversations(CustomerId customer);

	/**
	 * The sites' ids for the customer.
	 * @param customer the customer
	 * @return site and external id pairs
	 */
	List<ExternalId> externalIds(CustomerId customer);

	/**
	 * Attaches every conversation of a visitor that has no customer yet to this customer.
	 * @param visitor the visitor
	 * @param customer the customer
	 * @return the conversations attached
	 */
	List<ConversationId> attachConversationsOf(VisitorId visitor, CustomerId customer);

	/**
	 * Moves everything of {@code source} to {@code target} — conversations, visitors,
	 * site ids, notes, tags, missing contact details — and deletes {@code source}, in one
	 * transaction.
	 * @param source the customer that disappears
	 * @param target the customer that stays
	 * @return what moved
	 */
	Merged merge(CustomerId source, CustomerId target);

	/**
	 * Deletes the customer with every conversation, message, note and visitor of theirs.
	 * @param customer the customer
	 * @return the conversations that were deleted
	 */
	List<ConversationId> erase(CustomerId customer);

	/**
	 * A site's id for a customer.
	 *
	 * @param site the site
	 * @param externalId the site's id
	 */
	record ExternalId(SiteId site, String externalId) {
	}

	/**
	 * What a merge moved.
	 *
	 * @param conversations conversations moved
	 * @param visitors visitors moved
	 * @param externalIds site ids moved
	 */
	record Merged(List<ConversationId> conversations, int visitors, int externalIds) {
	}

}
