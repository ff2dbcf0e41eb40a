package dev.porchlight.persistence.email;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.OutboundEmail;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims of the outbox on PostgreSQL, as two nodes make them.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcEmailOutboxIntegrationTests {

	private static final Duration STALLED = Duration.ofMinutes(5);

	@Autowired
	EmailOutbox outbox;

	/**
	 * A node whose mail server is slow reaches the last emails of its batch after
	 * stalled-after: another node has taken them again meanwhile. The first must learn
	 * that before sending, or the customer gets the email twice.
	 */
	@Test
	void anEmailTakenAgainAfterItStalledIsNoLongerTheFirstClaims() {
		// Far in the future, so no other test's emails are due with it.
		Instant start = Instant.now().plus(Duration.ofDays(3650)).truncatedTo(ChronoUnit.MICROS);
		OutboundEmail queued = this.outbox.queueTranscript(ConversationId.random(), 3, "slow@example.com", start);
		OutboundEmail first = only(this.outbox.claimDue(Duration.ZERO, STALLED, 100, start), queued);

		Instant later = start.plus(STALLED).plusSeconds(1);
		OutboundEmail second = only(this.outbox.claimDue(Duration.ZERO, STALLED, 100, later), queued);

		assertThat(this.outbox.stillClaimed(first, later)).isEmpty();
		OutboundEmail confirmed = this.outbox.stillClaimed(second, later).orElseThrow();
		// Confirmed again, right before sending, with what the last confirmation gave.
		assertThat(this.outbox.stillClaimed(confirmed, later.plusSeconds(1))).isPresent();
		assertThat(this.outbox.stillClaimed(second, later.plusSeconds(2))).as("an older confirmation").isEmpty();
	}

	/**
	 * Confirming a claim starts its stall time again: while one email is being sent, no
	 * other node takes it.
	 */
	@Test
	void aConfirmedClaimIsNotTakenAgainUntilItStallsFromThen() {
		Instant start = Instant.now().plus(Duration.ofDays(7300)).truncatedTo(ChronoUnit.MICROS);
		OutboundEmail queued = this.outbox.queueTranscript(ConversationId.random(), 3, "busy@example.com", start);
		OutboundEmail claimed = only(this.outbox.claimDue(Duration.ZERO, STALLED, 100, start), queued);

		Instant confirmed = start.plus(STALLED).minusSeconds(1);
		assertThat(this.outbox.stillClaimed(claimed, confirmed)).isPresent();
		assertThat(this.outbox.claimDue(Duration.ZERO, STALLED, 100, start.plus(STALLED).plusSeconds(1)))
			.extracting(OutboundEmail::id)
			.doesNotContain(queued.id());
		assertThat(this.outbox.claimDue(Duration.ZERO, STALLED, 100, confirmed.plus(STALLED).plusSeconds(1)))
			.extracting(OutboundEmail::id)
			.contains(queued.id());
	}

	private static OutboundEmail only(List<OutboundEmail> claimed, OutboundEmail queued) {
		assertThat(claimed).extracting(OutboundEmail::id).contains(queued.id());
		OutboundEmail email = claimed.stream()
			.filter((found) -> found.id().equals(queued.id()))
			.findFirst()
			.orElseThrow();
		assertThat(email.status()).isEqualTo(OutboundEmail.Status.SENDING);
		return email;
	}

}
