package dev.porchlight.api.story;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.InboundEmails;
import dev.porchlight.domain.email.StaffNotices;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags, private notes and exports on a conversation that may not even be archived yet.
 */
@PorchlightTest(properties = "porchlight.archive.interval=1h")
class StoryIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	AuditLog audit;

	@Autowired
	EmailOutbox outbox;

	@Autowired
	InboundEmails inbound;

	@Autowired
	StaffNotices notices;

	@Autowired
	JdbcClient jdbc;

	ApiClient owner;

	String conversation;

	String visitorToken;

	@BeforeEach
	void aConversation() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		this.visitorToken = ApiClient.visitorToken(this.port, APP, site.key().value());
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, this.visitorToken)) {
			this.conversation = visitor.startConversation();
			visitor.sendAndAck(this.conversation, "m1", "=HYPERLINK(\"http://evil.example\") \"quoted\", and more");
			visitor.sendAndAck(this.conversation, "m2", "Second line\nwith a break");
		}
		this.owner = new ApiClient(this.port);
		this.owner.signIn("owner@shop.example", "owner password 123");
	}

	@Test
	void staffTagAndNoteAConversationEvenBeforeItIsArchived() {
		assertThat(this.owner.put("/api/v1/conversations/" + this.conversation + "/tags/VIP").json().toString())
			.isEqualTo("[\"VIP\"]");
		assertThat(this.owner.put("/api/v1/conversations/" + this.conversation + "/tags/vip").json().size())
			.as("tags are case-insensitive")
			.isEqualTo(1);
		this.owner.put("/api/v1/conversations/" + this.conversation + "/tags/wholesale", "");
		assertThat(this.owner.delete("/api/v1/conversations/" + this.conversation + "/tags/VIP").json().toString())
			.isEqualTo("[\"wholesale\"]");
		ApiClient.Response note = this.owner.post("/api/v1/conversations/" + this.conversation + "/notes",
				ApiClient.json(Map.of("body", "Wants it gift-wrapped")));
		assertThat(note.text("/body")).isEqualTo("Wants it gift-wrapped");
		assertThat(this.owner.get("/api/v1/conversations/" + this.conversation + "/notes")
			.json()
			.get(0)
			.path("body")
			.asString()).isEqualTo("Wants it gift-wrapped");
		assertThat(this.owner
			.post("/api/v1/conversations/" + this.conversation + "/notes", ApiClient.json(Map.of("body", " ")))
			.text("/error")).isEqualTo("invalid_note");
		assertThat(this.owner
			.post("/api/v1/conversations/" + this.conversation + "/notes",
					ApiClient.json(Map.of("body", "x".repeat(4001))))
			.text("/error")).isEqualTo("invalid_note");
		assertThat(this.owner
			.post("/api/v1/conversations/" + this.conversation + "/notes",
					ApiClient.json(Map.of("body", "🙂".repeat(4000))))
			.status()).isEqualTo(200);
		assertThat(this.owner.get("/api/v1/conversations/" + this.conversation + "/export?zone=" + "Europe/".repeat(10))
			.text("/error")).isEqualTo("invalid_time_zone");
	}

	/**
	 * A conversation not archived yet has no row in PostgreSQL, but what email keeps of
	 * it does: a transcript the visitor asked for (with their address), a mail taken into
	 * it, a notice to staff. Erasing the customer erases those too; a queued transcript
	 * of an erased conversation is never sent.
	 */
	@Test
	void erasingACustomerAlsoErasesWhatEmailKeptOfTheirConversationsNotArchivedYet() {
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + this.visitorToken);
		assertThat(visitor
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "erase.me@example.com", "name", "Erin")))
			.status()).isEqualTo(204);
		String customer = this.owner.get("/api/v1/search/customers?q=erase.me@example.com")
			.json()
			.get(0)
			.path("id")
			.asString();
		ConversationId live = ConversationId.parse(this.conversation);
		this.outbox.queueTranscript(live, 2, "erase.me@example.com", Instant.now());
		String mailKey = "erase-test-" + System.nanoTime();
		assertThat(this.inbound.firstTime(mailKey, live, Instant.now())).isTrue();
		assertThat(this.notices.claim(Map.of(live, 2L), Instant.now())).containsExactly(live);
		assertThat(this.jdbc.sql("select count(*) from conversation where id = ?")
			.param(live.value())
			.query(Long.class)
			.single()).as("not archived yet").isZero();

		assertThat(this.owner.delete("/api/v1/customers/" + customer).json().path("conversationsErased").asInt())
			.isEqualTo(1);

		assertThat(this.outbox.ofConversation(live)).isEmpty();
		assertThat(this.jdbc.sql("select count(*) from email_outbox where recipient = 'erase.me@example.com'")
			.query(Long.class)
			.single()).isZero();
		assertThat(this.jdbc.sql("select count(*) from email_inbound where conversation_id = ?")
			.param(live.value())
			.query(Long.class)
			.single()).isZero();
		assertThat(this.jdbc.sql("select count(*) from staff_notice where conversation_id = ?")
			.param(live.value())
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void notesNeverReachTheVisitor() {
		this.owner.post("/api/v1/conversations/" + this.conversation + "/notes",
				ApiClient.json(Map.of("body", "Private: pays late")));
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + this.visitorToken);
		assertThat(visitor.get("/api/v1/conversations/" + this.conversation + "/notes").status()).isEqualTo(401);
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, this.visitorToken)) {
			assertThat(socket.resumeBodies(this.conversation)).noneMatch((body) -> body.contains("pays late"));
		}
	}

	@Test
	void exportsInEveryFormatAreAuditedAndSafeForSpreadsheets() {
		ApiClient.Response json = this.owner.get("/api/v1/conversations/" + this.conversation + "/export?format=json");
		assertThat(json.header("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(json.json().at("/conversations/0/entries").size()).isEqualTo(2);
		ApiClient.Response csv = this.owner.get("/api/v1/conversations/" + this.conversation + "/export?format=csv");
		assertThat(csv.header("Content-Disposition"))
			.hasValueSatisfying((disposition) -> assertThat(disposition).contains("attachment").contains(".csv"));
		assertThat(csv.body()).startsWith("conversation_id,seq,at,kind,sender,name,body")
			.contains("\"'=HYPERLINK(\"\"http://evil.example\"\") \"\"quoted\"\", and more\"");
		ApiClient.Response text = this.owner.get("/api/v1/conversations/" + this.conversation + "/export?format=txt");
		assertThat(text.body()).contains("] Visitor: Second line\n    with a break");
		assertThat(this.owner.get("/api/v1/conversations/" + this.conversation + "/export?format=pdf").text("/error"))
			.isEqualTo("invalid_format");
		assertThat(this.audit.latest(10)).filteredOn((event) -> event.action().equals("conversation.exported"))
			.hasSize(3)
			.allSatisfy((event) -> assertThat(event.details()).containsEntry("entries", "2"));

		// Times in the reader's zone, and every file says which.
		assertThat(json.json().path("timeZone").asString()).isEqualTo("UTC");
		assertThat(json.json().at("/conversations/0/entries/0/at").asString()).endsWith("Z");
		assertThat(text.body()).startsWith("Times in UTC\n");
		ApiClient.Response tokyo = this.owner
			.get("/api/v1/conversations/" + this.conversation + "/export?format=json&zone=Asia/Tokyo");
		assertThat(tokyo.json().path("timeZone").asString()).isEqualTo("Asia/Tokyo");
		String at = tokyo.json().at("/conversations/0/entries/0/at").asString();
		assertThat(at).endsWith("+09:00");
		assertThat(OffsetDateTime.parse(at).toInstant())
			.isEqualTo(Instant.parse(json.json().at("/conversations/0/entries/0/at").asString()));
		assertThat(this.owner.get("/api/v1/conversations/" + this.conversation + "/export?format=txt&zone=Asia/Tokyo")
			.body()).startsWith("Times in Asia/Tokyo\n").contains(" +09:00] Visitor:");
		ApiClient.Response unknown = this.owner
			.get("/api/v1/conversations/" + this.conversation + "/export?format=json&zone=Mars/Olympus");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.text("/error")).isEqualTo("invalid_time_zone");
	}

}
