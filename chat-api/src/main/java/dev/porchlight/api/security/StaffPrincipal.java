package dev.porchlight.api.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A signed-in owner or staff member. The principal's name is the account id (not the
 * email), so sessions stay findable by account after an email change. An account whose
 * password must change gets only {@link #PASSWORD_CHANGE_REQUIRED}, which opens nothing
 * but the password change itself.
 */
public final class StaffPrincipal implements UserDetails, CredentialsContainer {

	public static final String PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED";

	private static final long serialVersionUID = 1L;

	// Plain JDK types only: the principal is serialised into the Redis-backed session.
	private final UUID id;

	private final String email;

	private final String displayName;

	private final Role role;

	private final boolean enabled;

	private final boolean passwordMustChange;

	// The sites an agent serves, null for every site (also for sessions stored before
	// agents could be limited, which served every site). A change of scope ends the
	// account's sessions, so this is never stale.
	private final @Nullable ArrayList<UUID> sites;

	private @Nullable String passwordHash;

	public StaffPrincipal(Account account, SiteScope scope) {
		this.sites = scope.isAll() ? null
				: new ArrayList<>(scope.sites().stream().map(SiteId::value).sorted().toList());
		this.id = account.id().value();
		this.email = account.email().value();
		this.displayName = account.displayName();
		this.role = account.role();
		this.enabled = account.enabled();
		this.passwordMustChange = account.passwordMustChange();
		this.passwordHash = account.passwordHash();
	}

	public AccountId id() {
		return new AccountId(this.id);
	}

	public String email() {
		return this.email;
	}

	public String displayName() {
		return this.displayName;
	}

	public Role role() {
		return this.role;
	}

	public boolean passwordMustChange() {
		return this.passwordMustChange;
	}

	/**
	 * @return the sites this staff member serves
	 */
	public SiteScope siteScope() {
		return (this.sites != null) ? SiteScope.only(this.sites.stream().map(SiteId::new).toList()) : SiteScope.all();
	}

	/**
	 * @param site a site
	 * @return whether this staff member serves it (and so may see what belongs to it)
	 */
	public boolean serves(@Nullable SiteId site) {
		return this.sites == null || (site != null && this.sites.contains(site.value()));
	}

	/**
	 * Whether this staff member may see a record that belongs to these sites (a customer
	 * on several sites): when they serve one of them, or when it belongs to no site yet
	 * (a record staff created by hand).
	 * @param sites the record's sites
	 * @return whether it is visible
	 */
	public boolean servesAnyOf(Collection<SiteId> sites) {
		return this.sites == null || sites.isEmpty() || sites.stream().anyMatch(this::serves);
	}

	/**
	 * Whether this staff member serves every one of these sites, as changing what belongs
	 * to all of them (merging, erasing) needs.
	 * @param sites the sites
	 * @return whether all are served
	 */
	public boolean servesAll(Collection<SiteId> sites) {
		return this.sites == null || sites.stream().allMatch(this::serves);
	}

	@Override
	public Collection<? extends GrantedAuthority> getAuthorities() {
		if (this.passwordMustChange) {
			return List.of(new SimpleGrantedAuthority(PASSWORD_CHANGE_REQUIRED));
		}
		return List.of(new SimpleGrantedAuthority("ROLE_" + this.role.name()));
	}

	@Override
	public @Nullable String getPassword() {
		return this.passwordHash;
	}

	@Override
	public String getUsername() {
		return this.id.toString();
	}

	@Override
	public boolean isEnabled() {
		return this.enabled;
	}

	@Override
	public void eraseCredentials() {
		this.passwordHash = null;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof StaffPrincipal principal && principal.id.equals(this.id);
	}

	@Override
	public int hashCode() {
		return this.id.hashCode();
	}

	@Override
	public String toString() {
		return "StaffPrincipal[" + this.id + ", " + this.role + "]";
	}

}
