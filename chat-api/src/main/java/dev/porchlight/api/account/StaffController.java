package dev.porchlight.api.account;

import java.util.List;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.site.SiteId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Staff accounts, managed by the owner (the security rules allow only owners here).
 */
@RestController
class StaffController {

	private final AccountManagement accounts;

	StaffController(AccountManagement accounts) {
		this.accounts = accounts;
	}

	@GetMapping("/api/v1/accounts")
	List<AccountView> list() {
		return this.accounts.all().stream().map(this::view).toList();
	}

	@PostMapping("/api/v1/accounts")
	@ResponseStatus(HttpStatus.CREATED)
	AccountWithPassword create(@AuthenticationPrincipal StaffPrincipal owner, @Valid @RequestBody NewAccount request,
			HttpServletRequest http) {
		Role role = parseRole(request.role());
		Actor actor = Actor.of(owner, http);
		AccountManagement.WithOneTimePassword created = this.accounts.create(actor, new EmailAddress(request.email()),
				request.displayName(), role, (request.sites() != null) ? sites(request.sites()) : null);
		return withPassword(created);
	}

	@PostMapping("/api/v1/accounts/{id}/password-reset")
	AccountWithPassword resetPassword(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			HttpServletRequest http) {
		return withPassword(this.accounts.resetPassword(Actor.of(owner, http), AccountId.parse(id)));
	}

	@PostMapping("/api/v1/accounts/{id}/disable")
	AccountView disable(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			HttpServletRequest http) {
		return view(this.accounts.setEnabled(Actor.of(owner, http), AccountId.parse(id), false));
	}

	@PostMapping("/api/v1/accounts/{id}/enable")
	AccountView enable(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			HttpServletRequest http) {
		return view(this.accounts.setEnabled(Actor.of(owner, http), AccountId.parse(id), true));
	}

	/**
	 * Chooses the sites an agent serves. Ends the agent's sessions (they sign in again
	 * and see exactly those sites).
	 */
	@PutMapping("/api/v1/accounts/{id}/sites")
	AccountView setSites(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			@Valid @RequestBody SiteChoice choice, HttpServletRequest http) {
		return view(this.accounts.setSites(Actor.of(owner, http), AccountId.parse(id),
				(choice.sites() != null) ? sites(choice.sites()) : null));
	}

	private AccountView view(Account account) {
		return AccountView.of(account, this.accounts.siteScope(account.id()));
	}

	private static List<SiteId> sites(List<String> ids) {
		try {
			return ids.stream().map(SiteId::parse).toList();
		}
		catch (DomainException ex) {
			// The same answer as for an unknown site: the list is what is wrong.
			throw new DomainException("invalid_sites", "One of the sites is not a site id.");
		}
	}

	private AccountWithPassword withPassword(AccountManagement.WithOneTimePassword result) {
		return new AccountWithPassword(view(result.account()), result.oneTimePassword());
	}

	private static Role parseRole(String role) {
		try {
			return Role.valueOf(role);
		}
		catch (IllegalArgumentException ex) {
			throw new dev.porchlight.domain.common.DomainException("invalid_role", "The role is OWNER or AGENT.");
		}
	}

	/**
	 * A new or reset account with the one-time password to hand over.
	 *
	 * @param account the account
	 * @param oneTimePassword the password to hand over; it must be changed at the first
	 * sign-in
	 */
	record AccountWithPassword(AccountView account, String oneTimePassword) {

		@Override
		public String toString() {
			return "AccountWithPassword[" + this.account + ", redacted]";
		}

	}

	/**
	 * A new staff account.
	 *
	 * @param email sign-in email
	 * @param displayName shown name
	 * @param role {@code OWNER} or {@code AGENT}
	 * @param sites for an agent, the ids of the sites they serve (absent or null: every
	 * site)
	 */
	record NewAccount(@NotNull @Size(max = 254) String email, @NotNull @Size(max = 80) String displayName,
			@NotNull @Size(max = 10) String role,
			@Nullable @Size(max = 100) List<@NotNull @Size(max = 36) String> sites) {
	}

	/**
	 * The sites an agent serves.
	 *
	 * @param sites the site ids, or null for every site (also sites added later)
	 */
	record SiteChoice(@Nullable @Size(max = 100) List<@NotNull @Size(max = 36) String> sites) {
	}

}
