package dev.porchlight.api.visitor;

import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * A visitor claimed an identity whose signature was missing or wrong, on a site that lets
 * them chat anyway. The email and name are only what the visitor's page said: they may go
 * into a customer record of the visitor's own, marked unverified, and never link the
 * visitor to anybody else's record.
 *
 * @param visitor the visitor
 * @param email the claimed email, if any (not checked)
 * @param name the claimed name, if any
 */
public record UnverifiedIdentity(VisitorId visitor, @Nullable String email, @Nullable String name) {

	@Override
	public String toString() {
		return "UnverifiedIdentity[" + this.visitor + "]";
	}

}
