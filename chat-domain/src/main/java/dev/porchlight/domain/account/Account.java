package dev.porchlight.domain.account;

import java.time.Instant;
import java.util.Objects;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;

/**
 * A person who signs in to the dashboard. The password is only ever held as an encoded
 * hash produced outside the domain (the domain does not know which algorithm is used).
 *
 * @param id random identifier
 * @param email the sign-in name, unique case-insensitively
 * @param displayName the name shown to visitors and colleagues
 * @param role owner or agent
 * @param passwordHash the encoded password, including its algorithm prefix
 * @param passwordMustChange whether the password was generated and must be replaced at
 * the next sign-in
 * @param enabled disabled accounts cannot sign in
 * @param passwordChangedAt when the password was last set; sessions older than this are
 * invalid
 * @param createdAt when the account was created
 */
public record Account(AccountId id, EmailAddress email, String displayName, Role role, String passwordHash,
		boolean passwordMustChange, boolean enabled, Instant passwordChangedAt, Instant createdAt) {

	public static final int MAX_DISPLAY_NAME = 80;

	public Account {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(email, "email");
		displayName = Text.required("display name", displayName, MAX_DISPLAY_NAME);
		Objects.requireNonNull(role, "role");
		if (passwordHash == null || passwordHash.isBlank()) {
			throw new DomainException("invalid_password_hash", "An account needs a password hash.");
		}
		Objects.requireNonNull(passwordChangedAt, "passwordChangedAt");
		Objects.requireNonNull(createdAt, "createdAt");
	}

	/**
	 * Creates a new, enabled account.
	 * @param email the sign-in name
	 * @param displayName the shown name
	 * @param role the role
	 * @param passwordHash the encoded password
	 * @param mustChange whether the password is a generated one-time password
	 * @param now the current time
	 * @return the account
	 */
	public static Account create(EmailAddress email, String displayName, Role role, String passwordHash,
			boolean mustChange, Instant now) {
		return new Account(AccountId.random(), email, displayName, role, passwordHash, mustChange, true, now, now);
	}

	/**
	 * The same account with a new password.
	 * @param newHash the encoded new password
	 * @param now the current time
	 * @return the changed account
	 */
	public Account withPassword(String newHash, Instant now) {
		return new Account(this.id, this.email, this.displayName, this.role, newHash, false, this.enabled, now,
				this.createdAt);
	}

	/**
	 * The same account with a password set by someone else (an owner's reset): it must be
	 * changed at the next sign-in, and older sessions stop working.
	 * @param newHash the encoded one-time password
	 * @param now the current time
	 * @return the changed account
	 */
	public Account withPasswordReset(String newHash, Instant now) {
		return new Account(this.id, this.email, this.displayName, this.role, newHash, true, this.enabled, now,
				this.createdAt);
	}

	/**
	 * The same account, enabled or disabled.
	 * @param enabled whether the account may sign in
	 * @return the changed account
	 */
	public Account withEnabled(boolean enabled) {
		return new Account(this.id, this.email, this.displayName, this.role, this.passwordHash, this.passwordMustChange,
				enabled, this.passwordChangedAt, this.createdAt);
	}

	/**
	 * The same account under another name.
	 * @param displayName the name colleagues and visitors see
	 * @return the changed account
	 */
	public Account withDisplayName(String displayName) {
		return new Account(this.id, this.email, displayName, this.role, this.passwordHash, this.passwordMustChange,
				this.enabled, this.passwordChangedAt, this.createdAt);
	}

	@Override
	public String toString() {
		// Never print the hash, even by accident in a log line.
		return "Account[id=" + this.id + ", role=" + this.role + ", enabled=" + this.enabled + "]";
	}

}
