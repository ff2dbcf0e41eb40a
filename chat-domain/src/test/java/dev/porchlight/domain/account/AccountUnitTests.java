package dev.porchlight.domain.account;

import java.time.Instant;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AccountUnitTests {

	private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

	@Test
	void changingThePasswordClearsTheMustChangeFlagAndMovesTheCutOff() {
		Account account = Account.create(new EmailAddress("owner@shop.example"), "Owner", Role.OWNER, "{bcrypt}x", true,
				T0);
		Account changed = account.withPassword("{bcrypt}y", T0.plusSeconds(5));
		assertThat(changed.passwordMustChange()).isFalse();
		assertThat(changed.passwordChangedAt()).isEqualTo(T0.plusSeconds(5));
		assertThat(changed.createdAt()).isEqualTo(T0);
		assertThat(changed.id()).isEqualTo(account.id());
	}

	@Test
	void neverPrintsThePasswordHash() {
		Account account = Account.create(new EmailAddress("owner@shop.example"), "Owner", Role.OWNER,
				"{bcrypt}$2a$10$secretish", false, T0);
		assertThat(account.toString()).doesNotContain("secretish").doesNotContain("owner@shop.example");
	}

	@Test
	void requiresANameAndAHash() {
		EmailAddress email = new EmailAddress("a@shop.example");
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> Account.create(email, " ", Role.AGENT, "{bcrypt}x", false, T0));
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> Account.create(email, "Agent", Role.AGENT, "", false, T0));
		assertThat(Role.OWNER.managesStaff()).isTrue();
		assertThat(Role.AGENT.managesStaff()).isFalse();
	}

}
