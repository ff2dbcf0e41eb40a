package dev.porchlight.domain.visitor;

import java.time.Duration;

/**
 * Visitors whose tokens must stop working before they expire, e.g. because the customer
 * they belonged to was erased. Shared by all nodes.
 */
public interface Revocations {

	/**
	 * Makes every token of the visitor worthless for a while (at least as long as a token
	 * lives; after that no token of theirs can exist any more).
	 * @param visitor the visitor
	 * @param duration how long to remember it
	 */
	void revoke(VisitorId visitor, Duration duration);

	boolean isRevoked(VisitorId visitor);

}
