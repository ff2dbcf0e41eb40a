package dev.porchlight.api.account;

import java.util.List;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

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
 * @param sites the ids of the sites the account serves, or null for every site (owners
 * always)
 */
record AccountView(String id, String email, String displayName, String role, boolean enabled,
		boolean passwordMustChange, String createdAt, @Nullable List<String> sites) {

	static AccountView of(Account account, SiteScope scope) {
		return new AccountView(account.id().toString(), account.email().value(), account.displayName(),
				account.role().name(), account.enabled(), account.passwordMustChange(), account.createdAt().toString(),
				scope.isAll() ? null : scope.sites().stream().map(SiteId::toString).sorted().toList());
	}

}
