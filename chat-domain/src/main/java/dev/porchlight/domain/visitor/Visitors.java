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

	void linkCustomer(VisitorId id, CustomerId customer);

	void seen(VisitorId id, Instant at);

}
