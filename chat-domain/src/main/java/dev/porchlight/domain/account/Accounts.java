package dev.porchlight.domain.account;

import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.common.EmailAddress;

/**
 * The accounts of this installation.
 */
public interface Accounts {

	Optional<Account> findById(AccountId id);

	Optional<Account> findByEmail(EmailAddress email);

	long count();

	/**
	 * Every account, owners first, then by creation.
	 * @return the accounts
	 */
	List<Account> all();

	/**
	 * Stores a new account.
	 * @param account the account
	 * @throws DuplicateAccountException when an account with that email exists
	 */
	void add(Account account);

	/**
	 * Stores the account only if no account exists at all, atomically across nodes: used
	 * to create the first owner when several nodes start on an empty database at once.
	 * @param account the account
	 * @return whether it was stored
	 */
	boolean addIfNoneExists(Account account);

	/**
	 * Stores the changed state of an existing account.
	 * @param account the account
	 */
	void update(Account account);

	/**
	 * The sites a staff member serves.
	 * @param id the account
	 * @return every site for owners and for agents nobody limited
	 */
	SiteScope siteScope(AccountId id);

	/**
	 * Limits an agent to some sites, or lets them serve every site again.
	 * @param id the account
	 * @param scope the sites
	 */
	void setSiteScope(AccountId id, SiteScope scope);

}
