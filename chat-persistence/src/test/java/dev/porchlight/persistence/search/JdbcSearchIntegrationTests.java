package dev.porchlight.persistence.search;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.search.ConversationHit;
import dev.porchlight.domain.search.ConversationQuery;
import dev.porchlight.domain.search.ConversationQuery.Order;
import dev.porchlight.domain.search.Cursor;
import dev.porchlight.domain.search.Search;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Search over a small fixture corpus of archived conversations and customers.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcSearchIntegrationTests {

	private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

	@Autowired
	Search search;

	@Autowired
	Transcripts transcripts;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	Customers customers;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JdbcTemplate template;

	@Autowired
	DataSource dataSource;

	@Autowired
	TransactionTemplate transactions;

	Site shop;

	Site otherShop;

	Conversation ankh;

	Conversation ring;

	Conversation delivery;

	CustomerId ada;

	final List<ConversationId> filler = new ArrayList<>();

	@BeforeAll
	void corpus() {
		this.shop = site("Ankh & Co");
		this.otherShop = site("Rings Ltd");
		this.ada = customer("Ada Lovelace", "ada@example.com");
		customer("Grace Hopper", "grace@navy.example");
		customer("Zoë Ünal", "zoe@example.com");
		this.ankh = conversation(this.shop, this.ada, 0, "Hello, do you make custom ankh pendants?",
				"Yes! We make custom ankh pendants in silver and gold.", "Great, I would like a silver ankh pendant.");
		this.ring = conversation(this.otherShop, null, 5, "I am looking for a silver ring with an ankh engraving.");
		this.delivery = conversation(this.shop, null, 10, "When will my order be delivered?",
				"Your parcel ships tomorrow by express delivery.");
		this.transcripts.archive(closed(this.delivery), 99, List.of());
		for (int i = 0; i < 23; i++) {
			this.filler
				.add(conversation(this.shop, null, 20 + i, "Question " + i + " about pendant chains and clasps.").id());
		}
	}

	@Test
	void ranksTheConversationThatIsMostAboutTheQueryFirstAndHighlightsTheWords() {
		Search.Page page = this.search.conversations(query("ankh pendant"));
		assertThat(page.hits()).extracting(ConversationHit::conversation).first().isEqualTo(this.ankh.id());
		ConversationHit best = page.hits().get(0);
		assertThat(best.snippet()).filteredOn(ConversationHit.Segment::match)
			.extracting((segment) -> segment.text().toLowerCase())
			.contains("ankh", "pendant");
		assertThat(best.snippet().stream().map(ConversationHit.Segment::text).reduce("", String::concat))
			.contains("silver ankh pendant");
		assertThat(best.seq()).isBetween(1L, 3L);
	}

	@Test
	void supportsPhrasesExclusionsAndAlternatives() {
		assertThat(ids(query("\"express delivery\""))).containsExactly(this.delivery.id());
		// An exclusion removes every conversation that mentions the word anywhere.
		assertThat(ids(query("silver -ring"))).containsExactly(this.ankh.id());
		assertThat(ids(query("parcel or engraving"))).containsExactlyInAnyOrder(this.delivery.id(), this.ring.id());
	}

	@Test
	void filtersBySiteCustomerStatusAndDates() {
		assertThat(ids(new ConversationQuery("ankh", this.otherShop.id(), null, null, null, null, null, Order.RELEVANCE,
				null, 20)))
			.containsExactly(this.ring.id());
		assertThat(
				ids(new ConversationQuery("ankh", null, this.ada, null, null, null, null, Order.RELEVANCE, null, 20)))
			.containsExactly(this.ankh.id());
		assertThat(ids(new ConversationQuery("delivered", null, null, ConversationStatus.CLOSED, null, null, null,
				Order.RELEVANCE, null, 20)))
			.containsExactly(this.delivery.id());
		assertThat(ids(new ConversationQuery("delivered", null, null, ConversationStatus.OPEN, null, null, null,
				Order.RELEVANCE, null, 20)))
			.isEmpty();
		assertThat(ids(new ConversationQuery("ankh", null, null, null, null, T0.plus(4, ChronoUnit.DAYS), null,
				Order.RELEVANCE, null, 20)))
			.containsExactly(this.ring.id());
		assertThat(ids(new ConversationQuery("ankh", null, null, null, null, null, T0.plus(1, ChronoUnit.DAYS),
				Order.RELEVANCE, null, 20)))
			.containsExactly(this.ankh.id());
	}

	@Test
	void pagesThroughEveryMatchOnceWithoutRepeatsOrSkips() {
		for (Order order : Order.values()) {
			Set<ConversationId> seen = new HashSet<>();
			List<ConversationId> inOrder = new ArrayList<>();
			Cursor cursor = null;
			int pages = 0;
			do {
				Search.Page page = this.search.conversations(
						new ConversationQuery("pendant", null, null, null, null, null, null, order, cursor, 4));
				page.hits().forEach((hit) -> inOrder.add(hit.conversation()));
				page.hits().forEach((hit) -> assertThat(seen.add(hit.conversation())).as("no repeats").isTrue());
				cursor = page.next();
				pages++;
				if (cursor != null) {
					cursor = Cursor.decode(cursor.encode());
				}
			}
			while (cursor != null && pages < 20);
			Set<ConversationId> expected = new HashSet<>(this.filler);
			expected.add(this.ankh.id());
			assertThat(seen).as(order.name()).isEqualTo(expected);
			assertThat(this.search.conversations(query("pendant")).estimatedTotal()).isEqualTo(expected.size());
		}
	}

	@Test
	void findsCustomersDespiteTyposAndPartialInput() {
		assertThat(this.search.customers("ada lovlace", 5)).first()
			.satisfies((hit) -> assertThat(hit.name()).isEqualTo("Ada Lovelace"));
		assertThat(this.search.customers("grac", 5)).first()
			.satisfies((hit) -> assertThat(hit.email()).isEqualTo("grace@navy.example"));
		assertThat(this.search.customers("ada@exa", 5)).first()
			.satisfies((hit) -> assertThat(hit.name()).isEqualTo("Ada Lovelace"));
		assertThat(this.search.customers("hoper", 5)).extracting((hit) -> hit.name()).contains("Grace Hopper");
		assertThat(this.search.customers("qqqqqq", 5)).isEmpty();
	}

	@Test
	void findsCustomersByTheIdTheirShopKnowsThemBy() {
		this.customers.attachExternalId(this.shop.id(), "CUST-4711", this.ada);
		assertThat(this.search.customers("CUST-4711", 5)).first()
			.satisfies((hit) -> assertThat(hit.name()).isEqualTo("Ada Lovelace"));
		assertThat(this.search.customers("cust-47", 5)).as("a prefix, in any case")
			.first()
			.satisfies((hit) -> assertThat(hit.name()).isEqualTo("Ada Lovelace"));
		assertThat(this.search.customers("ZZZ-0000", 5)).as("an id nobody has").isEmpty();
	}

	@Test
	void injectionAttemptsAreJustTextThatMatchesNothing() {
		for (String attack : List.of("'; drop table message; --", "ankh' or '1'='1", "\\\" or 1=1 --",
				"); select pg_sleep(10); --", "%' union select password_hash from account --", "!!!&&&|||:::***")) {
			assertThat(this.search.conversations(query(attack)).hits()).as(attack)
				.allSatisfy((hit) -> assertThat(hit).isNotNull());
			assertThat(this.search.customers(attack, 5)).as(attack).isEmpty();
		}
		assertThat(this.jdbc.sql("select count(*) from message").query(Long.class).single()).isPositive();
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Cursor.decode("bm90IGEgY3Vyc29y"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_cursor"));
	}

	@Test
	void aLongConversationsSnippetComesFromItsLatestMatchesOrFromAMessageWithEveryWord() {
		// 60 messages that mention the kettle; only the first also names the descaler.
		String[] messages = new String[60];
		messages[0] = "The kettle descaler arrived broken.";
		for (int i = 1; i < messages.length; i++) {
			messages[i] = "Another kettle question, number " + i + ".";
		}
		Conversation kettle = conversation(this.shop, null, 50, messages);

		ConversationHit both = this.search.conversations(query("kettle descaler")).hits().get(0);
		assertThat(both.conversation()).isEqualTo(kettle.id());
		assertThat(both.seq()).isEqualTo(1);
		assertThat(both.snippet()).filteredOn(ConversationHit.Segment::match)
			.extracting((segment) -> segment.text().toLowerCase())
			.containsExactly("kettle", "descaler");

		// One word: the best of the 30 latest messages that have it, not all 60 read.
		ConversationHit one = this.search.conversations(query("kettle")).hits().get(0);
		assertThat(one.conversation()).isEqualTo(kettle.id());
		assertThat(one.seq()).isGreaterThan(30);
		assertThat(one.snippet()).filteredOn(ConversationHit.Segment::match)
			.extracting(ConversationHit.Segment::text)
			.containsExactly("kettle");
	}

	@Test
	void aConversationArchivedWhileItsCustomersDetailsChangeIsFoundByTheNewDetails() throws Exception {
		CustomerId ruth = customer("Ruth Porter", "ruth@example.com");
		try (Connection change = this.dataSource.getConnection()) {
			// The owner adds Ruth's phone; not committed yet.
			change.setAutoCommit(false);
			try (var statement = change.prepareStatement("update customer set phone = ? where id = ?")) {
				statement.setString(1, "+1 (415) 555-0177");
				statement.setObject(2, ruth.value());
				statement.executeUpdate();
			}
			// Meanwhile the archive adds Ruth's new conversation: it finishes, or waits
			// for
			// the change (which it must).
			CompletableFuture<Conversation> archived = CompletableFuture
				.supplyAsync(() -> conversation(this.shop, ruth, 60, "Where is my teapot?"));
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!archived.isDone() && !aTransactionWaitsForALock() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			change.commit();
			Conversation conversation = archived.get(30, TimeUnit.SECONDS);
			assertThat(ids(query("4155550177"))).as("found by the phone committed while it was archived")
				.containsExactly(conversation.id());
		}
	}

	/**
	 * The archive adds many conversations in one statement; their documents are started
	 * by one statement trigger (V18), each with its own customer, whoever else is in the
	 * batch.
	 */
	@Test
	void conversationsArchivedTogetherEachStartWithTheirOwnCustomer() {
		Site site = site("Batch shop");
		CustomerId quentin = customer("Quentin Blake", "quentin@blake.example");
		CustomerId marta = customer("Marta Zither", "marta@zither.example");
		List<Transcripts.Batch> batches = new ArrayList<>();
		List<ConversationId> ids = new ArrayList<>();
		CustomerId[] customers = { quentin, quentin, marta, null, null };
		String[] bodies = { "A marimba for my niece", "Is the marimba in stock?", "The marimba arrived", "Marimba?",
				null };
		for (int i = 0; i < customers.length; i++) {
			VisitorId visitor = visitor(site);
			Instant start = T0.plus(80, ChronoUnit.DAYS).plusSeconds(i);
			Conversation conversation = Conversation.start(site.id(), visitor, customers[i], PageContext.unknown(),
					start);
			List<LogEntry> log = (bodies[i] != null) ? List.of(new LogEntry(conversation.id(), 1, LogEntry.Kind.MESSAGE,
					new ClientMessageId("b" + i), Sender.visitor(visitor), new MessageBody(bodies[i]), start))
					: List.of();
			batches.add(new Transcripts.Batch(conversation, null, 1, log));
			ids.add(conversation.id());
		}
		this.transcripts.archive(batches);

		assertThat(this.jdbc.sql("select tgtype & 1 from pg_trigger where tgname = 'conversation_search_on_insert'")
			.query(Integer.class)
			.single()).as("a statement trigger, not one per row").isZero();
		assertThat(ids(query("Quentin"))).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
		assertThat(ids(query("marta@zither.example"))).containsExactly(ids.get(2));
		assertThat(ids(query("marimba"))).containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(2), ids.get(3));
		assertThat(this.jdbc.sql("select document::text from conversation_search where conversation_id = ?")
			.param(ids.get(4).value())
			.query(String.class)
			.single()).as("no customer, no messages: an empty document").isEmpty();
	}

	private boolean aTransactionWaitsForALock() {
		return this.jdbc.sql("""
				select exists (select 1 from pg_stat_activity
				                where datname = current_database() and wait_event_type = 'Lock')
				""").query(Boolean.class).single();
	}

	@Test
	void theFullTextQueryUsesTheGinIndexForRareWordsAndTheNewestConversationsForCommonOnes() {
		// Enough conversations that a sequential scan would be the planner's choice
		// without the index: 30,000, each mentioning "shipping" and a number of its own.
		this.jdbc
			.sql("""
					insert into conversation (id, site_id, visitor_id, status, started_at, last_activity_at)
					select gen_random_uuid(), ?, ?, 'OPEN', now() - make_interval(secs => g), now() - make_interval(secs => g)
					  from generate_series(1, 30000) g
					""")
			.param(this.shop.id().value())
			.param(visitor(this.shop).value())
			.update();
		this.jdbc
			.sql("""
					insert into message (conversation_id, seq, client_msg_id, sender_kind, body, sent_at)
					select c.id, 1, 'bulk', 'VISITOR', 'bulk message number ' || row_number() over () || ' about shipping', now()
					  from conversation c where not exists (select 1 from message m where m.conversation_id = c.id)
					""")
			.update();
		this.jdbc.sql("analyze").update();
		try {
			assertThat(plan("ankh & pendant")).contains("conversation_search_document_idx");
			assertThat(plan("shipping")).contains("conversation_search_started_idx")
				.doesNotContain("conversation_search_document_idx");
			// The rare word is found among them all.
			assertThat(this.search.conversations(query("number 17017")).hits()).hasSize(1);
		}
		finally {
			this.jdbc.sql(
					"delete from conversation where id in (select conversation_id from message where client_msg_id = 'bulk')")
				.update();
		}
	}

	/**
	 * A search is planned with its values every time, however often it runs on a
	 * connection: its statements that choose a plan are never prepared on the server (a
	 * generic plan picks the wrong index for a word in most conversations, and scans
	 * every customer for a phone), while turning the text into queries, which has no plan
	 * to choose, is prepared like any statement from its fifth run. Statements prepared
	 * on the server are the ones {@code pg_prepared_statements} lists for the connection
	 * (with whatever earlier tests prepared on it); the test holds one connection in a
	 * transaction, and the searches run on it.
	 */
	@Test
	void searchesAreNeverPreparedOnTheServerWhileTheirQueryBuildingIsAfterFiveRuns() {
		List<String> prepared = this.transactions.execute((status) -> {
			for (int i = 0; i < 8; i++) {
				assertThat(this.search.conversations(query("ankh pendant")).hits()).isNotEmpty();
				assertThat(this.search.customers("Lovelace", 10, SiteScope.all())).isNotEmpty();
			}
			return this.jdbc.sql("select statement from pg_prepared_statements").query(String.class).list();
		});
		assertThat(prepared).anyMatch((statement) -> statement.contains("porchlight_any("))
			.noneMatch((statement) -> List.of("ts_rank_cd(", "porchlight_best_messages(", "word_similarity(")
				.stream()
				.anyMatch(statement::contains));
	}

	/**
	 * A search runs all its statements on one connection: holding one while waiting for a
	 * second, searches could take the whole pool and wait for each other until the pool's
	 * timeout. With a pool of one connection a search with snippets must still be
	 * answered (before, the words to mark in the snippets asked for a second connection).
	 */
	@Test
	void aSearchNeedsOneConnectionSoAPoolOfOneServesIt() throws Exception {
		HikariDataSource shared = this.dataSource.unwrap(HikariDataSource.class);
		try (HikariDataSource one = new HikariDataSource()) {
			one.setJdbcUrl(shared.getJdbcUrl());
			one.setUsername(shared.getUsername());
			one.setPassword(shared.getPassword());
			one.setMaximumPoolSize(1);
			one.setConnectionTimeout(1000);
			Search onOneConnection = new JdbcSearch(JdbcClient.create(one), new JdbcTemplate(one));

			Search.Page page = onOneConnection.conversations(query("ankh pendant"));

			assertThat(page.hits()).extracting(ConversationHit::conversation).first().isEqualTo(this.ankh.id());
			assertThat(page.hits().get(0).snippet()).filteredOn(ConversationHit.Segment::match).isNotEmpty();
			assertThat(onOneConnection.customers("Lovelace", 10, SiteScope.all())).isNotEmpty();
		}
	}

	/**
	 * Every search through the document index reads its pending list first; archive
	 * passes keep rewriting the documents of busy conversations, so the list must be
	 * merged long before GIN's default 4 MB.
	 */
	@Test
	void rewrittenDocumentsWaitInAPendingListOfAtMost512KBBeforeTheyAreMergedIntoTheIndex() {
		this.jdbc.sql("create extension if not exists pgstattuple").update();
		Site busy = site("Busy shop");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			ids.add(conversation(busy, null, 60 + i, "A busy conversation number " + i).id().value().toString());
		}
		this.jdbc.sql("select gin_clean_pending_list('conversation_search_document_idx')").query().singleValue();
		long most = 0;
		// 20 rounds of 20 documents of 300 new words each: about 2.5 MB of entries.
		for (int round = 0; round < 20; round++) {
			this.jdbc.sql("""
					update conversation_search
					   set document = document || to_tsvector('simple',
					         (select string_agg('w' || :round || 'x' || n, ' ') from generate_series(1, 300) n))
					 where conversation_id = any(cast(:ids as uuid[]))
					""").param("round", round).param("ids", ids.toArray(String[]::new)).update();
			long pending = this.jdbc.sql("select pending_pages from pgstatginindex('conversation_search_document_idx')")
				.query(Long.class)
				.single();
			most = Math.max(most, pending);
		}
		// Entries do wait in the list (the archive's bulk merge), but never more than
		// 512 kB of 8 kB pages, and the page that crossed the limit.
		assertThat(most).isBetween(2L, 65L);
		assertThat(this.search.conversations(query("w19x300")).hits()).hasSize(20);
	}

	private String plan(String tsquery) {
		return this.template.execute((java.sql.Connection connection) -> {
			try (var statement = connection.createStatement()) {
				statement.execute("set plan_cache_mode = force_custom_plan");
			}
			try (var statement = connection.prepareStatement("""
					explain select cs.conversation_id from conversation_search cs
					 where cs.document @@ cast(? as tsquery)
					 order by cs.started_at desc, cs.conversation_id desc limit 1000
					""")) {
				statement.setString(1, tsquery);
				StringBuilder plan = new StringBuilder();
				try (var rows = statement.executeQuery()) {
					while (rows.next()) {
						plan.append(rows.getString(1)).append('\n');
					}
				}
				return plan.toString();
			}
		});
	}

	private List<ConversationId> ids(ConversationQuery query) {
		return this.search.conversations(query).hits().stream().map(ConversationHit::conversation).toList();
	}

	private static ConversationQuery query(String text) {
		return new ConversationQuery(text, null, null, null, null, null, null, Order.RELEVANCE, null, 20);
	}

	private Site site(String name) {
		Site site = Site.create(name, List.of(), T0);
		this.sites.add(site);
		return site;
	}

	private CustomerId customer(String name, String email) {
		Customer customer = new Customer(CustomerId.random(), name, new EmailAddress(email), null, T0, T0);
		this.customers.add(customer);
		return customer.id();
	}

	private VisitorId visitor(Site site) {
		Visitor visitor = Visitor.arrive(site.id(), T0);
		this.visitors.add(visitor, "hash");
		return visitor.id();
	}

	private Conversation conversation(Site site, CustomerId customer, int day, String... messages) {
		Visitor visitor = Visitor.arrive(site.id(), T0);
		this.visitors.add(visitor, "hash");
		Instant start = T0.plus(day, ChronoUnit.DAYS);
		Conversation conversation = Conversation.start(site.id(), visitor.id(), customer, PageContext.unknown(), start);
		List<LogEntry> log = new ArrayList<>();
		for (int i = 0; i < messages.length; i++) {
			log.add(new LogEntry(conversation.id(), i + 1, LogEntry.Kind.MESSAGE, new ClientMessageId("m" + i),
					Sender.visitor(visitor.id()), new MessageBody(messages[i]), start.plusSeconds(i)));
		}
		this.transcripts
			.archive(new Conversation(conversation.id(), conversation.siteId(), conversation.visitorId(), customer,
					ConversationStatus.OPEN, PageContext.unknown(), start, start.plusSeconds(messages.length), null), 1,
					log);
		return conversation;
	}

	private static Conversation closed(Conversation conversation) {
		return conversation.close(conversation.startedAt().plusSeconds(60));
	}

}
