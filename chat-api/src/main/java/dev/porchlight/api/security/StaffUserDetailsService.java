package dev.porchlight.api.security;

import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Looks up staff by the email they sign in with.
 */
@Component
class StaffUserDetailsService implements UserDetailsService {

	private final Accounts accounts;

	StaffUserDetailsService(Accounts accounts) {
		this.accounts = accounts;
	}

	@Override
	public UserDetails loadUserByUsername(String email) {
		EmailAddress address;
		try {
			address = new EmailAddress(email);
		}
		catch (DomainException ex) {
			throw new UsernameNotFoundException("not an email address");
		}
		return this.accounts.findByEmail(address)
			.map((account) -> new StaffPrincipal(account, this.accounts.siteScope(account.id())))
			.orElseThrow(() -> new UsernameNotFoundException("no such account"));
	}

}
