package dev.porchlight.domain.customer;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.porchlight.domain.site.SiteId;

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
	 * Where a customer that was merged away lives on: ids of merged-away records are
	 * still held elsewhere for a while (a visitor's token, a live conversation not yet
	 * archived), and must reach the surviving record.
	 * @param id a customer id
	 * @return the surviving record (after several merges, the last one), empty if the
	 * customer was never merged away
	 */
	Optional<CustomerId> mergedInto(CustomerId id);

	/**
	 * Stores changed contact details. A detail whose value changes is no longer verified.
	 * @param customer the customer as it should be
	 */
	void update(Customer customer);

	/**
	 * The details whose current value a site signed.
	 * @param customer the customer
	 * @return the verified details, empty for a record made of what somebody typed
	 */
	Set<ContactDetail> verifiedDetails(CustomerId customer);

	/**
	 * Records that a site signed the current value of these details.
	 * @param customer the customer
	 * @param details the details
	 */
	void markVerified(CustomerId customer, Set<ContactDetail> details);

	/**
	 * Adds what is known about where the customer was to their record: the page (kept
	 * with the 20 most recent), and the latest referrer, language and browser. Absent
	 * values leave what was recorded before.
	 * @param customer the customer
	 * @param visit what was seen
	 */
	void recordVisit(CustomerId customer, Visit visit);

	/**
	 * Where a customer was seen.
	 *
	 * @param page the page's address
	 * @param title the page's title
	 * @param referrer where they came from
	 * @param locale their language
	 * @param browser a short description of their browser, e.g. "Firefox on Windows"
	 */
	record Visit(@org.jspecify.annotations.Nullable String page, @org.jspecify.annotations.Nullable String title,
			@org.jspecify.annotations.Nullable String referrer, @org.jspecify.annotations.Nullable String locale,
			@org.jspecify.annotations.Nullable String browser) {
	}

	/**
	 * What is known about where the customer was, as stored.
	 * @param customer the customer
	 * @return a JSON object: {@code pages} (url, title, at), {@code referrer},
	 * {@code locale}, {@code browser}
	 */
	String visitContext(CustomerId customer);

	/**
	 * The sites' ids for the customer.
	 * @param customer the customer
	 * @return site and external id pairs
	 */
	List<ExternalId> externalIds(CustomerId customer);

	/**
	 * The sites a customer belongs to: where a site vouched for them, where their
	 * visitors came through, where their conversations are. A record staff created and
	 * nothing was attached to yet belongs to none.
	 * @param customer the customer
	 * @return the sites
	 */
	Set<SiteId> sites(CustomerId customer);

	/**
	 * A site's id for a customer.
	 *
	 * @param site the site
	 * @param externalId the site's id
	 */
	record ExternalId(SiteId site, String externalId) {
	}

}
