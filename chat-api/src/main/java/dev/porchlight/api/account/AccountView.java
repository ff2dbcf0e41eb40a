package dev.porchlight.api.account;

import dev.porchlight.domain.account.Account;

/**
 * An account as the REST API shows it: never the password hash.
 *
 * @param id the account id
 * @param email the sign-in email
 * @param displayName the shown name
 * @param role {@code OWNER} or {@code AGENT}
 * @param enabled whether the account may sign in
 * @param passwordMustChange whether a one-time password is still in use
 * @param createdAt when the account was created (ISO-8601)
 */
record AccountView(String id, String email, String displayName, String role, boolean enabled,
		boolean passwordMustChange, String createdAt) {

	static AccountView of(Account account) {
		return new AccountView(account.id().toString(), account.email().value(), account.displayName(),
				account.role().name(), account.enabled(), account.passwordMustChange(), account.createdAt().toString());
	}

}
