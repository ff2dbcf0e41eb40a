package dev.porchlight.persistence.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcAuditLogIntegrationTests {

	@Autowired
	AuditLog audit;

	@Test
	void recordsEventsWithDetailsAndListsNewestFirst() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		AccountId actor = AccountId.random();
		AuditEvent first = new AuditEvent(now, actor, "owner@shop.example", "account.created", "account:1", "127.0.0.1",
				Map.of("role", "AGENT", "quote'", "it's \"fine\""));
		AuditEvent second = new AuditEvent(now.plusSeconds(1), null, "someone@else.example", "auth.sign_in_failed",
				null, null, Map.of());
		this.audit.record(first);
		this.audit.record(second);
		assertThat(this.audit.latest(10)).containsExactly(second, first);
		assertThat(this.audit.latest(1)).containsExactly(second);
	}

}
