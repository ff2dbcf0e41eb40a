package dev.porchlight.domain.visitor;

import java.time.Instant;
import java.util.Optional;

import dev.porchlight.domain.customer.CustomerId;

/**
 * The visitors of all sites. A visitor's continuity credential is stored only as a hash.
 */
public interface Visitors {

	/**
	 * Stores a new visitor with the hash of the credential their browser keeps.
	 * @param visitor the visitor
	 * @param credentialHash hash of the browser's continuity credential
	 */
	void add(Visitor visitor, String credentialHash);

	Optional<Visitor> findById(VisitorId id);

	/**
	 * The stored hash of a visitor's continuity credential.
	 * @param id the visitor
	 * @return the hash, if the visitor exists
	 */
	Optional<String> credentialHash(VisitorId id);

	/**
	 * Links the visitor to a customer.
	 * @param id the visitor
	 * @param customer the customer
	 * @param verified whether the site vouched for it (HMAC); only verified links open
	 * the customer's history to the visitor
	 */
	void linkCustomer(VisitorId id, CustomerId customer, boolean verified);

	/**
	 * The customer the site vouched this visitor to be, if any.
	 * @param id the visitor
	 * @return the customer of a verified link
	 */
	Optional<CustomerId> verifiedCustomer(VisitorId id);

	void seen(VisitorId id, Instant at);

	/**
	 * The customer record this visitor created by leaving their email, if it still
	 * exists; after that record was merged into another, the surviving record.
	 * @param id the visitor
	 * @return the customer
	 */
	Optional<CustomerId> contactCustomer(VisitorId id);

	/**
	 * Whether the visitor's contact record is one a merge moved them to (the owner's
	 * record of that person), rather than the one they created themselves.
	 * @param id the visitor
	 * @return true after a merge
	 */
	boolean contactCustomerMerged(VisitorId id);

	/**
	 * Whether a record holds nothing but what this visitor left: no conversation of
	 * another visitor, no other visitor, no record merged into it and no site's id for
	 * it. Staff linking, merging or a site vouching makes it someone's record, which the
	 * visitor may no longer rewrite.
	 * @param id the visitor whose form created it
	 * @param customer the record
	 * @return true while only that visitor's things are on it
	 */
	boolean holdsOnlyTheirs(VisitorId id, CustomerId customer);

	void setContactCustomer(VisitorId id, CustomerId customer);

}
