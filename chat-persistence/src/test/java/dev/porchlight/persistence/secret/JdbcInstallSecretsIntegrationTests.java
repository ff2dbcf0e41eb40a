package dev.porchlight.persistence.secret;

import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.domain.secret.InstallSecrets;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcInstallSecretsIntegrationTests {

	@Autowired
	InstallSecrets secrets;

	@Test
	void generatesOnceAndThenAlwaysReturnsTheStoredValue() {
		AtomicInteger generated = new AtomicInteger();
		String first = this.secrets.getOrCreate("test-key", () -> "value-" + generated.incrementAndGet());
		String second = this.secrets.getOrCreate("test-key", () -> "value-" + generated.incrementAndGet());
		assertThat(first).isEqualTo("value-1");
		assertThat(second).isEqualTo(first);
		assertThat(this.secrets.getOrCreate("other-key", () -> "other")).isEqualTo("other");
	}

}
