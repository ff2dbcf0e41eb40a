package dev.porchlight.domain.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmailAddressUnitTests {

	@Test
	void trimsAndComparesCaseInsensitively() {
		EmailAddress typed = new EmailAddress("  Ada@Example.COM ");
		assertThat(typed.value()).isEqualTo("Ada@Example.COM");
		assertThat(typed).isEqualTo(new EmailAddress("ada@example.com"));
		assertThat(typed.hashCode()).isEqualTo(new EmailAddress("ada@example.com").hashCode());
		assertThat(typed.normalized()).isEqualTo("ada@example.com");
	}

	@Test
	void rejectsWhatIsNotAnAddressWithoutEchoingIt() {
		for (String bad : new String[] { "", "ada", "ada@", "@example.com", "ada@example", "a da@example.com",
				"ada@@example.com", "x".repeat(250) + "@example.com" }) {
			assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new EmailAddress(bad))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_email"))
				.satisfies((ex) -> assertThat(bad.isEmpty() || !ex.getMessage().contains(bad)).isTrue());
		}
	}

}
