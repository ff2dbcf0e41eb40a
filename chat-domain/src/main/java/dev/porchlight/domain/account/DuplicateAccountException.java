package dev.porchlight.domain.account;

import dev.porchlight.domain.common.DomainException;

/**
 * An account with the same email address already exists.
 */
public class DuplicateAccountException extends DomainException {

	public DuplicateAccountException() {
		super("account_exists", "An account with that email address already exists.");
	}

}
