package dev.porchlight.api.account;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class OwnerBootstrapUnitTests {

	@Test
	void aConfiguredPasswordMeetsThePolicyOfOneChosenInTheDashboard() {
		assertThat(OwnerBootstrap.configuredPassword(owner("correct horse battery staple")))
			.isEqualTo("correct horse battery staple");
		assertThatIllegalStateException().isThrownBy(() -> OwnerBootstrap.configuredPassword(owner("short")))
			.withMessageStartingWith("porchlight.owner.password cannot be used for the first owner: ")
			.withMessageContaining("at least 12 characters");
		assertThatIllegalStateException().isThrownBy(() -> OwnerBootstrap.configuredPassword(owner("password1234")))
			.withMessageContaining("too easy to guess");
		assertThatIllegalStateException()
			.isThrownBy(() -> OwnerBootstrap.configuredPassword(owner("a long passphrase ".repeat(5))))
			.withMessageContaining("at most 72 bytes");
		assertThatIllegalStateException()
			.isThrownBy(() -> OwnerBootstrap.configuredPassword(owner("olga@shop.example")))
			.as("not the owner's own email")
			.withMessageContaining("too easy to guess");
	}

	@Test
	void theOwnersConfigurationNeverShowsThePassword() {
		assertThat(owner("correct horse battery staple"))
			.hasToString("OwnerProperties[email=olga@shop.example, password=(set)]");
	}

	private static OwnerProperties owner(String password) {
		return new OwnerProperties("olga@shop.example", "Olga", password);
	}

}
