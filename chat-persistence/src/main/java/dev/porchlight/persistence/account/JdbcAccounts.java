package dev.porchlight.persistence.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.DuplicateAccountException;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.site.SiteId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts in PostgreSQL. Email uniqueness is enforced by the database ({@code citext}
 * unique), so two nodes creating the same account at once cannot both succeed.
 */
@Repository
class JdbcAccounts implements Accounts {

	private static final String COLUMNS = """
			id, email, display_name, role, password_hash, password_must_change, enabled,
			password_changed_at, created_at
			""";

	private static final String INSERT = """
			insert into account (id, email, display_name, role, password_hash, password_must_change, enabled,
			                     password_changed_at, created_at)
			values (:id, :email, :displayName, :role, :passwordHash, :mustChange, :enabled, :passwordChangedAt, :createdAt)
			""";

	private static final String UPDATE = """
			update account
			   set email = :email, display_name = :displayName, role = :role, password_hash = :passwordHash,
			       password_must_change = :mustChange, enabled = :enabled, password_changed_at = :passwordChangedAt
			 where id = :id
			""";

	private final JdbcClient jdbc;

	JdbcAccounts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Optional<Account> findById(AccountId id) {
		return this.jdbc.sql("select " + COLUMNS + " from account where id = :id")
			.param("id", id.value())
			.query(JdbcAccounts::account)
			.optional();
	}

	@Override
	public Optional<Account> findByEmail(EmailAddress email) {
		return this.jdbc.sql("select " + COLUMNS + " from account where email = cast(:email as citext)")
			.param("email", email.value())
			.query(JdbcAccounts::account)
			.optional();
	}

	@Override
	public List<Account> all() {
		return this.jdbc.sql("select " + COLUMNS + " from account order by role = 'OWNER' desc, created_at, id")
			.query(JdbcAccounts::account)
			.list();
	}

	@Override
	public long count() {
		return this.jdbc.sql("select count(*) from account").query(Long.class).single();
	}

	@Override
	public void add(Account account) {
		try {
			bind(this.jdbc.sql(INSERT), account).param("createdAt", Timestamp.from(account.createdAt())).update();
		}
		catch (DuplicateKeyException ex) {
			throw new DuplicateAccountException();
		}
	}

	@Override
	@Transactional
	public boolean addIfNoneExists(Account account) {
		// Serialises concurrent first starts; the lock ends with the transaction.
		this.jdbc.sql("select pg_advisory_xact_lock(hashtext('porchlight.first-account'))").query().singleRow();
		if (count() > 0) {
			return false;
		}
		add(account);
		return true;
	}

	@Override
	public void update(Account account) {
		try {
			bind(this.jdbc.sql(UPDATE), account).update();
		}
		catch (DuplicateKeyException ex) {
			throw new DuplicateAccountException();
		}
	}

	@Override
	public SiteScope siteScope(AccountId id) {
		// Owners serve every site whatever is stored.
		boolean all = this.jdbc.sql("select all_sites or role = 'OWNER' from account where id = :id")
			.param("id", id.value())
			.query(Boolean.class)
			.optional()
			.orElse(true);
		if (all) {
			return SiteScope.all();
		}
		return SiteScope.only(this.jdbc.sql("select site_id from account_site where account_id = :id")
			.param("id", id.value())
			.query(UUID.class)
			.list()
			.stream()
			.map(SiteId::new)
			.toList());
	}

	@Override
	@Transactional
	public void setSiteScope(AccountId id, SiteScope scope) {
		this.jdbc.sql("update account set all_sites = :all where id = :id")
			.param("id", id.value())
			.param("all", scope.isAll())
			.update();
		this.jdbc.sql("delete from account_site where account_id = :id").param("id", id.value()).update();
		if (!scope.isAll()) {
			// Sites that do not exist are left out.
			this.jdbc.sql("""
					insert into account_site (account_id, site_id)
					select :id, site.id from site where site.id = any(:sites)
					""")
				.param("id", id.value())
				.param("sites", scope.sites().stream().map(SiteId::value).toArray(UUID[]::new))
				.update();
		}
	}

	private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Account account) {
		return statement.param("id", account.id().value())
			.param("email", account.email().value())
			.param("displayName", account.displayName())
			.param("role", account.role().name())
			.param("passwordHash", account.passwordHash())
			.param("mustChange", account.passwordMustChange())
			.param("enabled", account.enabled())
			.param("passwordChangedAt", Timestamp.from(account.passwordChangedAt()));
	}

	private static Account account(ResultSet row, int rowNum) throws SQLException {
		return new Account(new AccountId(row.getObject("id", UUID.class)), new EmailAddress(row.getString("email")),
				row.getString("display_name"), Role.valueOf(row.getString("role")), row.getString("password_hash"),
				row.getBoolean("password_must_change"), row.getBoolean("enabled"),
				row.getTimestamp("password_changed_at").toInstant(), row.getTimestamp("created_at").toInstant());
	}

}
