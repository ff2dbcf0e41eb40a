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
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

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
		assertThat(this.transcripts.archive(fixture.conversation, log)).isEqualTo(5);
		assertThat(this.transcripts.after(fixture.conversation.id(), 0, 100)).containsExactlyElementsOf(log);
		assertThat(this.transcripts.after(fixture.conversation.id(), 3, 100))
			.containsExactlyElementsOf(log.subList(3, 5));
		assertThat(this.transcripts.archivedSeq(fixture.conversation.id())).isEqualTo(5);
	}

	@Test
	void writingTheSameBatchTwiceChangesNothing() {
		Fixture fixture = fixture();
		List<LogEntry> log = fixture.log(6);
		this.transcripts.archive(fixture.conversation, log);
		String before = snapshot(fixture);
		this.transcripts.archive(fixture.conversation, log);
		this.transcripts.archive(fixture.conversation, log.subList(2, 4));
		assertThat(snapshot(fixture)).isEqualTo(before);
		assertThat(this.transcripts.archivedSeq(fixture.conversation.id())).as("never moves back").isEqualTo(6);
	}

	@Test
	void aBatchIsAllOrNothing() {
		Fixture fixture = fixture();
		List<LogEntry> log = new ArrayList<>(fixture.log(3));
		// A message whose conversation row cannot be written (unknown visitor) fails the
		// whole batch.
		Conversation orphan = Conversation.start(fixture.conversation.siteId(),
				dev.porchlight.domain.visitor.VisitorId.random(), null, PageContext.unknown(), T0);
		try {
			this.transcripts.archive(orphan,
					log.stream()
						.map((entry) -> new LogEntry(orphan.id(), entry.seq(), entry.kind(), entry.clientId(),
								entry.sender(), entry.body(), entry.at()))
						.toList());
		}
		catch (RuntimeException expected) {
			// the foreign key refuses the conversation
		}
		assertThat(this.jdbc.sql("select count(*) from message where conversation_id = ?")
			.param(orphan.id().value())
			.query(Long.class)
			.single()).isZero();
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
