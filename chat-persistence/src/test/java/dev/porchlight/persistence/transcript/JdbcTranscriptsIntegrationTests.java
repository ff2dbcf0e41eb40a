package dev.porchlight.persistence.transcript;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcTranscriptsIntegrationTests {

	private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@Autowired
	Transcripts transcripts;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	JdbcClient jdbc;

	@Test
	void archivesMessagesAndEventsAndReadsTheLogBackGapless() {
		Fixture fixture = fixture();
		List<LogEntry> log = fixture.log(5);
		assertThat(this.transcripts.archive(fixture.conversation, 1, log)).isEqualTo(5);
		assertThat(this.transcripts.after(fixture.conversation.id(), 0, 100)).containsExactlyElementsOf(log);
		assertThat(this.transcripts.after(fixture.conversation.id(), 3, 100))
			.containsExactlyElementsOf(log.subList(3, 5));
		assertThat(this.transcripts.archivedSeq(fixture.conversation.id())).isEqualTo(5);
	}

	@Test
	void writingTheSameBatchTwiceChangesNothing() {
		Fixture fixture = fixture();
		List<LogEntry> log = fixture.log(6);
		this.transcripts.archive(fixture.conversation, 1, log);
		String before = snapshot(fixture);
		this.transcripts.archive(fixture.conversation, 1, log);
		this.transcripts.archive(fixture.conversation, 1, log.subList(2, 4));
		assertThat(snapshot(fixture)).isEqualTo(before);
		assertThat(this.transcripts.archivedSeq(fixture.conversation.id())).as("never moves back").isEqualTo(6);
	}

	@Test
	void aDivergedLogFailsTheWholeBatchInsteadOfDroppingAMessage() {
		Fixture fixture = fixture();
		List<LogEntry> log = fixture.log(2);
		this.transcripts.archive(fixture.conversation, 1, log);
		// Redis lost its last write and reused sequence 2 for another message, then wrote
		// 3.
		LogEntry reused = new LogEntry(fixture.conversation.id(), 2, LogEntry.Kind.MESSAGE,
				new ClientMessageId("other"), Sender.visitor(fixture.visitor.id()),
				new MessageBody("a different message"), T0.plusSeconds(50));
		LogEntry next = new LogEntry(fixture.conversation.id(), 3, LogEntry.Kind.MESSAGE, new ClientMessageId("next"),
				Sender.visitor(fixture.visitor.id()), new MessageBody("the one after"), T0.plusSeconds(51));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.transcripts.archive(fixture.conversation, 2, List.of(reused, next)))
			.withMessageContaining("diverged");
		assertThat(this.transcripts.after(fixture.conversation.id(), 0, 100)).as("the batch was rolled back")
			.containsExactlyElementsOf(log);
		assertThat(this.transcripts.archivedSeq(fixture.conversation.id())).isEqualTo(2);
	}

	@Test
	void aSequenceReusedByAnotherKindOfEntryIsDivergedToo() {
		Fixture fixture = fixture();
		AccountId agent = AccountId.random();
		List<LogEntry> log = fixture.log(2);
		this.transcripts.archive(fixture.conversation, 1, log);
		// Redis lost message 2 and reused its sequence for a close.
		LogEntry closedAtTwo = new LogEntry(fixture.conversation.id(), 2, LogEntry.Kind.CLOSED, null,
				Sender.staff(agent), null, T0.plusSeconds(50));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.transcripts.archive(fixture.conversation, 2, List.of(closedAtTwo)))
			.withMessageContaining("diverged");

		// The other way round: a close archived at 3, then a message at 3.
		LogEntry closed = new LogEntry(fixture.conversation.id(), 3, LogEntry.Kind.CLOSED, null, Sender.staff(agent),
				null, T0.plusSeconds(60));
		this.transcripts.archive(fixture.conversation, 3, List.of(closed));
		LogEntry messageAtThree = new LogEntry(fixture.conversation.id(), 3, LogEntry.Kind.MESSAGE,
				new ClientMessageId("late"), Sender.visitor(fixture.visitor.id()), new MessageBody("still there?"),
				T0.plusSeconds(61));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.transcripts.archive(fixture.conversation, 4, List.of(messageAtThree)))
			.withMessageContaining("diverged");
		assertThat(this.transcripts.after(fixture.conversation.id(), 0, 100)).as("both batches rolled back").hasSize(3);
	}

	@Test
	void theSameClientIdFromTwoSendersIsTwoMessages() {
		Fixture fixture = fixture();
		LogEntry visitors = new LogEntry(fixture.conversation.id(), 1, LogEntry.Kind.MESSAGE,
				new ClientMessageId("d-77"), Sender.visitor(fixture.visitor.id()), new MessageBody("guessed id"), T0);
		LogEntry staffs = new LogEntry(fixture.conversation.id(), 2, LogEntry.Kind.MESSAGE, new ClientMessageId("d-77"),
				Sender.staff(AccountId.random()), new MessageBody("the real reply"), T0.plusSeconds(1));
		this.transcripts.archive(fixture.conversation, 1, List.of(visitors, staffs));
		assertThat(this.transcripts.after(fixture.conversation.id(), 0, 10)).containsExactly(visitors, staffs);
	}

	@Test
	void olderStateNeverOverwritesNewerState() {
		Fixture fixture = fixture();
		this.transcripts.archive(fixture.conversation.close(T0.plusSeconds(9)), 5, List.of());
		this.transcripts.archive(fixture.conversation, 3, List.of());
		assertThat(this.jdbc.sql("select status from conversation where id = ?")
			.param(fixture.conversation.id().value())
			.query(String.class)
			.single()).isEqualTo("CLOSED");
	}

	private String snapshot(Fixture fixture) {
		return this.jdbc.sql("""
				select string_agg(seq || ':' || body, '|' order by seq) from message where conversation_id = ?
				""").param(fixture.conversation.id().value()).query(String.class).single()
				+ this.jdbc.sql("select count(*) from conversation_event where conversation_id = ?")
					.param(fixture.conversation.id().value())
					.query(Long.class)
					.single();
	}

	private Fixture fixture() {
		Site site = Site.create("Shop", List.of(), T0);
		this.sites.add(site);
		Visitor visitor = Visitor.arrive(site.id(), T0);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), null,
				new PageContext("https://shop.example/", "Shop", null, "en"), T0);
		return new Fixture(conversation, visitor);
	}

	private record Fixture(Conversation conversation, Visitor visitor) {

		List<LogEntry> log(int count) {
			List<LogEntry> log = new ArrayList<>();
			AccountId agent = AccountId.random();
			for (int seq = 1; seq <= count; seq++) {
				if (seq % 3 == 0) {
					log.add(new LogEntry(this.conversation.id(), seq, LogEntry.Kind.CLOSED, null, Sender.staff(agent),
							null, T0.plusSeconds(seq)));
				}
				else {
					Sender sender = (seq % 2 == 0) ? Sender.staff(agent) : Sender.visitor(this.visitor.id());
					log.add(new LogEntry(this.conversation.id(), seq, LogEntry.Kind.MESSAGE,
							new ClientMessageId("c" + seq), sender, new MessageBody("message number " + seq),
							T0.plusSeconds(seq)));
				}
			}
			return log;
		}

	}

}
