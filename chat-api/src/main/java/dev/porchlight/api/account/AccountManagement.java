package dev.porchlight.api.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Everything that changes an account, each step audited. Any change that should lock
 * somebody out (new password, reset, disabling) also ends all their sessions at once; any
 * change of who is on the team or what they are called reaches every dashboard and node
 * at once.
 */
@Service
class AccountManagement {

	private final Accounts accounts;

	private final AuditLog audit;

	private final PasswordEncoder encoder;

	private final StaffSessions sessions;

	private final Sites sites;

	private final LiveEvents events;

	private final Clock clock = Clock.systemUTC();

	AccountManagement(Accounts accounts, AuditLog audit, PasswordEncoder encoder, StaffSessions sessions, Sites sites,
			LiveEvents events) {
		this.sites = sites;
		this.accounts = accounts;
		this.audit = audit;
		this.encoder = encoder;
		this.sessions = sessions;
		this.events = events;
	}

	List<Account> all() {
		return this.accounts.all();
	}

	Account get(AccountId id) {
		return this.accounts.findById(id).orElseThrow(() -> ApiException.notFound("account"));
	}

	/**
	 * Creates a staff account with a one-time password the owner hands over, and the
	 * sites it serves (null: every site). The sites are checked first and written in the
	 * same transaction, so a refused request leaves no account behind.
	 */
	@Transactional
	WithOneTimePassword create(Actor actor, EmailAddress email, String displayName, Role role,
			@Nullable List<SiteId> sites) {
		checkSites(role, sites);
		String password = OwnerBootstrap.generatePassword();
		Instant now = this.clock.instant();
		Account account = Account.create(email, displayName, role, this.encoder.encode(password), true, now);
		this.accounts.add(account);
		record(actor, "account.created", account.id(), Map.of("role", role.name()));
		if (sites != null) {
			setSites(actor, account.id(), sites);
		}
		teamChanged();
		return new WithOneTimePassword(account, password);
	}

	/**
	 * Changes the name the signed-in staff member is shown under, to colleagues and to
	 * visitors (in messages from now on).
	 */
	Account rename(Actor actor, String displayName) {
		Account account = get(actor.id());
		Account changed = account.withDisplayName(displayName);
		if (changed.displayName().equals(account.displayName())) {
			return account;
		}
		this.accounts.update(changed);
		record(actor, "account.renamed", account.id(), Map.of());
		teamChanged();
		return changed;
	}

	Account changeOwnPassword(Actor actor, String currentPassword, String newPassword) {
		Account account = get(actor.id());
		if (!this.encoder.matches(currentPassword, account.passwordHash())) {
			record(actor, "account.password_change_failed", account.id(), Map.of());
			throw new ApiException(HttpStatus.BAD_REQUEST, "wrong_password", "The current password is wrong.");
		}
		PasswordPolicy.check(newPassword, account.email().value());
		if (this.encoder.matches(newPassword, account.passwordHash())) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "weak_password",
					"Choose a password different from the current one.");
		}
		Account changed = account.withPassword(this.encoder.encode(newPassword), this.clock.instant());
		this.accounts.update(changed);
		int ended = this.sessions.endAll(account.id());
		record(actor, "account.password_changed", account.id(), Map.of("sessions_ended", String.valueOf(ended)));
		return changed;
	}

	WithOneTimePassword resetPassword(Actor actor, AccountId target) {
		Account account = get(target);
		String password = OwnerBootstrap.generatePassword();
		Account changed = account.withPasswordReset(this.encoder.encode(password), this.clock.instant());
		this.accounts.update(changed);
		int ended = this.sessions.endAll(account.id());
		record(actor, "account.password_reset", account.id(), Map.of("sessions_ended", String.valueOf(ended)));
		return new WithOneTimePassword(changed, password);
	}

	Account setEnabled(Actor actor, AccountId target, boolean enabled) {
		Account account = get(target);
		if (!enabled) {
			if (account.id().equals(actor.id())) {
				throw new ApiException(HttpStatus.CONFLICT, "cannot_disable_self",
						"You cannot disable your own account.");
			}
			long otherOwners = this.accounts.all()
				.stream()
				.filter((other) -> other.role() == Role.OWNER && other.enabled() && !other.id().equals(target))
				.count();
			if (account.role() == Role.OWNER && otherOwners == 0) {
				throw new ApiException(HttpStatus.CONFLICT, "last_owner", "The last owner cannot be disabled.");
			}
		}
		Account changed = account.withEnabled(enabled);
		this.accounts.update(changed);
		int ended = enabled ? 0 : this.sessions.endAll(account.id());
		record(actor, enabled ? "account.enabled" : "account.disabled", account.id(),
				Map.of("sessions_ended", String.valueOf(ended)));
		teamChanged();
		return changed;
	}

	SiteScope siteScope(AccountId id) {
		return this.accounts.siteScope(id);
	}

	/**
	 * Chooses the sites an agent serves (null: every site). A change ends the agent's
	 * sessions, so what they see changes at once, on every node and socket.
	 */
	Account setSites(Actor actor, AccountId target, @Nullable List<SiteId> sites) {
		Account account = get(target);
		checkSites(account.role(), sites);
		SiteScope scope = (sites != null) ? SiteScope.only(sites) : SiteScope.all();
		if (!scope.equals(this.accounts.siteScope(target))) {
			this.accounts.setSiteScope(target, scope);
			int ended = this.sessions.endAll(target);
			record(actor, "account.sites_changed", target,
					Map.of("sites", scope.isAll() ? "all" : String.valueOf(scope.sites().size()), "sessions_ended",
							String.valueOf(ended)));
		}
		return account;
	}

	private void checkSites(Role role, @Nullable List<SiteId> sites) {
		if (role == Role.OWNER && sites != null) {
			throw new DomainException("invalid_sites", "Owners serve every site.");
		}
		if (sites != null && sites.stream().anyMatch((site) -> this.sites.findById(site).isEmpty())) {
			throw new DomainException("invalid_sites", "One of the sites does not exist.");
		}
	}

	/**
	 * Tells every node who is on the team now (a handful of accounts: the whole list
	 * travels, so no receiver reads it back).
	 */
	private void teamChanged() {
		this.events.publish(new LiveEvent.TeamChanged(this.accounts.all()
			.stream()
			.filter(Account::enabled)
			.map((account) -> new LiveEvent.TeamChanged.Member(account.id(), account.displayName()))
			.toList()));
	}

	private void record(Actor actor, String action, AccountId target, Map<String, String> details) {
		this.audit.record(actor.did(this.clock.instant(), action, "account:" + target, details));
	}

	/**
	 * An account with the one-time password just set for it, shown once to the owner.
	 *
	 * @param account the account
	 * @param oneTimePassword the password
	 */
	record WithOneTimePassword(Account account, String oneTimePassword) {

		@Override
		public String toString() {
			return "WithOneTimePassword[" + this.account + "]";
		}

	}

}
