package dev.porchlight.persistence.search;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.ConversationQuery;
import dev.porchlight.domain.search.ConversationQuery.Order;
import dev.porchlight.domain.search.Search;
import dev.porchlight.domain.search.SearchIndex;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive marks conversations and the refresh appends their new messages to the
 * search documents (migration V16), on real PostgreSQL: nothing is appended twice or
 * missed, including when an archive and a refresh meet on the same conversation.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class SearchDocumentRefreshIntegrationTests {

	private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

	@Autowired
	Search search;

	@Autowired
	SearchIndex index;

	@Autowired
	Transcripts transcripts;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DataSource dataSource;

	Site site;

	Conversation conversation;

	@BeforeEach
	void aConversationWithItsFirstMessageSearchable() {
		this.site = Site.create("Teapots " + UUID.randomUUID(), List.of(), T0);
		this.sites.add(this.site);
		Visitor visitor = Visitor.arrive(this.site.id(), T0);
		this.visitors.add(visitor, "hash");
		this.conversation = Conversation.start(this.site.id(), visitor.id(), null, PageContext.unknown(), T0);
		archive(1, "Hello there, a question about an order");
		refreshAll();
	}

	@Test
	void archivedMessagesAreFoundOnceRefreshedAndTheDocumentIsTheOneARebuildWrites() {
		archive(2, "Is the porcelain teapot dishwasher safe?");
		assertThat(found("porcelain")).as("archived, not yet in the document").isFalse();
		assertThat(this.index.behind()).isPositive();

		refreshAll();
		assertThat(found("porcelain")).isTrue();

		// Two archive passes before the next refresh: one append holds both, in order.
		archive(3, "And does the saucer come with it?");
		archive(4, "Also a silver spoon, please.");
		refreshAll();
		assertThat(found("saucer spoon")).isTrue();
		assertThat(this.index.behind()).isZero();

		Document appended = document();
		assertThat(appended.indexedSeq()).isEqualTo(4);
		this.jdbc.sql("select porchlight_rebuild_search(array[cast(? as uuid)])")
			.param(id())
			.query((row, n) -> null)
			.list();
		assertThat(document()).isEqualTo(appended);
	}

	@Test
	void aRefreshAppendsWhatIsCommittedAndLeavesAnUncommittedArchiveForALaterRunWithoutWaitingForIt() throws Exception {
		archive(2, "Is the porcelain teapot dishwasher safe?");
		try (Connection writer = this.dataSource.getConnection()) {
			// The next archive of the same conversation, not committed yet.
			writer.setAutoCommit(false);
			try (var statement = writer.prepareStatement("""
					insert into message (conversation_id, seq, client_msg_id, sender_kind, body, sent_at)
					values (?, 3, 'm3', 'VISITOR', 'What about the copper kettle?', now())
					""")) {
				statement.setObject(1, id());
				statement.executeUpdate();
			}
			CompletableFuture<Integer> refresh = CompletableFuture.supplyAsync(() -> this.index.refresh(1000));
			assertThat(refresh.get(10, TimeUnit.SECONDS)).as("marks taken").isPositive();
			assertThat(found("porcelain")).isTrue();
			assertThat(found("copper kettle")).as("not committed when the refresh ran").isFalse();
			assertThat(document().indexedSeq()).isEqualTo(2);
			writer.commit();
		}
		assertThat(this.index.behind()).as("its mark came with its commit").isPositive();
		refreshAll();
		assertThat(found("copper kettle")).isTrue();
		assertThat(document().indexedSeq()).isEqualTo(3);
	}

	@Test
	void anArchiveNeverWaitsForARefreshAndWhatItCommitsMeanwhileIsAppendedByTheNextRun() throws Exception {
		archive(2, "Is the porcelain teapot dishwasher safe?");
		try (Connection refresh = this.dataSource.getConnection()) {
			// A refresh has taken the conversation's marks and its document (its first
			// steps) and not committed yet.
			refresh.setAutoCommit(false);
			for (String table : List.of("search_pending", "conversation_search")) {
				try (var statement = refresh
					.prepareStatement("select 1 from " + table + " where conversation_id = ? for update")) {
					statement.setObject(1, id());
					statement.executeQuery().close();
				}
			}
			// Meanwhile the next pass archives a message, and commits.
			CompletableFuture.runAsync(() -> archive(3, "What about the copper kettle?")).get(10, TimeUnit.SECONDS);
			// The refresh removes the mark it took.
			try (var statement = refresh.prepareStatement("""
					delete from search_pending where conversation_id = ? and id <= (select min(id) from search_pending
					                                                               where conversation_id = ?)
					""")) {
				statement.setObject(1, id());
				statement.setObject(2, id());
				statement.executeUpdate();
			}
			refresh.commit();
		}
		assertThat(this.jdbc.sql("select count(*) from search_pending where conversation_id = ?")
			.param(id())
			.query(Long.class)
			.single()).as("the archive's own mark").isEqualTo(1);
		refreshAll();
		assertThat(found("copper kettle")).isTrue();
		assertThat(document().indexedSeq()).isEqualTo(3);
	}

	private void archive(int seq, String body) {
		Instant at = T0.plusSeconds(seq);
		List<LogEntry> entries = new ArrayList<>();
		entries.add(new LogEntry(this.conversation.id(), seq, LogEntry.Kind.MESSAGE, new ClientMessageId("m" + seq),
				Sender.visitor(this.conversation.visitorId()), new MessageBody(body), at));
		this.transcripts.archive(new Conversation(this.conversation.id(), this.site.id(), this.conversation.visitorId(),
				null, ConversationStatus.OPEN, PageContext.unknown(), T0, at, null), seq, entries);
	}

	private void refreshAll() {
		while (this.index.refresh(1000) == 1000) {
			// More marks wait.
		}
	}

	private boolean found(String text) {
		ConversationQuery query = new ConversationQuery(text, this.site.id(), null, null, null, null, null,
				Order.RELEVANCE, null, 20);
		return this.search.conversations(query)
			.hits()
			.stream()
			.map(ConversationHit::conversation)
			.anyMatch(this.conversation.id()::equals);
	}

	private UUID id() {
		return this.conversation.id().value();
	}

	private Document document() {
		return this.jdbc.sql("select document::text, indexed_seq from conversation_search where conversation_id = ?")
			.param(id())
			.query((row, n) -> new Document(row.getString(1), row.getLong(2)))
			.single();
	}

	record Document(String text, long indexedSeq) {
	}

}
