package dev.porchlight.persistence.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.DuplicateAccountException;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcAccountsIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	Accounts accounts;

	@Test
	void storesAndFindsAnAccountByIdAndCaseInsensitiveEmail() {
		Account account = Account.create(new EmailAddress("Owner@Shop.example"), "Olga", Role.OWNER, "{bcrypt}hash",
				true, NOW);
		long before = this.accounts.count();
		this.accounts.add(account);
		assertThat(this.accounts.count()).isEqualTo(before + 1);
		assertThat(this.accounts.findById(account.id())).contains(account);
		assertThat(this.accounts.findByEmail(new EmailAddress("owner@shop.EXAMPLE"))).contains(account);
	}

	@Test
	void refusesASecondAccountWithTheSameEmailInAnyCase() {
		this.accounts
			.add(Account.create(new EmailAddress("agent@shop.example"), "Ann", Role.AGENT, "{bcrypt}a", false, NOW));
		Account twin = Account.create(new EmailAddress("AGENT@shop.example"), "Ann B", Role.AGENT, "{bcrypt}b", false,
				NOW);
		assertThatExceptionOfType(DuplicateAccountException.class).isThrownBy(() -> this.accounts.add(twin));
	}

	@Test
	void updatesThePassword() {
		Account account = Account.create(new EmailAddress("pw@shop.example"), "Pat", Role.AGENT, "{bcrypt}old", true,
				NOW);
		this.accounts.add(account);
		Account changed = account.withPassword("{bcrypt}new", NOW.plusSeconds(10));
		this.accounts.update(changed);
		assertThat(this.accounts.findById(account.id())).contains(changed);
	}

}
