package dev.porchlight.persistence.account;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs on a database of its own, which starts without any account.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcFirstAccountIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	Accounts accounts;

	@Test
	void createsTheFirstAccountOnlyOnceEvenWhenNodesRace() throws Exception {
		int nodes = 4;
		ExecutorService pool = Executors.newFixedThreadPool(nodes);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < nodes; i++) {
				Account candidate = Account.create(new EmailAddress("first" + i + "@shop.example"), "First", Role.OWNER,
						"{bcrypt}x", true, NOW);
				results.add(pool.submit(() -> {
					start.await();
					return this.accounts.addIfNoneExists(candidate);
				}));
			}
			start.countDown();
			long created = 0;
			for (Future<Boolean> result : results) {
				created += result.get() ? 1 : 0;
			}
			assertThat(created).isEqualTo(1);
			assertThat(this.accounts.count()).isEqualTo(1);
			assertThat(this.accounts.addIfNoneExists(
					Account.create(new EmailAddress("late@shop.example"), "Late", Role.OWNER, "{bcrypt}x", true, NOW)))
				.isFalse();
		}
		finally {
			pool.shutdownNow();
		}
	}

}
