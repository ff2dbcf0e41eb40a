package dev.porchlight.persistence;

import java.util.List;
import java.util.UUID;

import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class SchemaIntegrationTests {

	@Autowired
	JdbcClient jdbc;

	@Test
	void runsOnPostgres17WithTheSearchExtensions() {
		assertThat(this.jdbc.sql("show server_version_num").query(Integer.class).single())
			.isGreaterThanOrEqualTo(170000);
		assertThat(this.jdbc.sql("select extname from pg_extension").query(String.class).list()).contains("pg_trgm",
				"unaccent", "citext");
	}

	@Test
	void messagesAndTheirConversationGetASearchVectorInTheSitesLanguageAndTheIndexExists() {
		UUID site = UUID.randomUUID();
		UUID visitor = UUID.randomUUID();
		UUID conversation = UUID.randomUUID();
		this.jdbc.sql("""
				insert into site (id, site_key, name, identity_mode, identity_secret, widget_settings, created_at,
				                  updated_at, search_config)
				values (?, 'pk_0123456789abcdefghijkl', 'Shop', 'OFF', 's', '{}', now(), now(), 'porchlight_german')
				""").param(site).update();
		this.jdbc.sql("insert into visitor (id, site_id, first_seen_at, last_seen_at) values (?, ?, now(), now())")
			.params(visitor, site)
			.update();
		this.jdbc.sql("""
				insert into conversation (id, site_id, visitor_id, status, started_at, last_activity_at)
				values (?, ?, ?, 'OPEN', now(), now())
				""").params(conversation, site, visitor).update();
		this.jdbc.sql("""
				insert into message (conversation_id, seq, client_msg_id, sender_kind, body, sent_at, search_config)
				values (?, 1, 'c1', 'VISITOR', 'Haben Sie die Größe 38? <b>ZX-99812</b> ☕', now(), 'porchlight_german')
				""").param(conversation).update();
		// German stems and exact words, without accents; code parts and emoji as words.
		for (String query : List.of("gross & 38", "grosse", "zx <-> 99812", "b & '☕'")) {
			assertThat(this.jdbc.sql("select seq from message where search_vector @@ cast(? as tsquery)")
				.param(query)
				.query(Long.class)
				.list()).as(query).containsExactly(1L);
			assertThat(this.jdbc
				.sql("select conversation_id from conversation_search where document @@ cast(? as tsquery)")
				.param(query)
				.query(UUID.class)
				.list()).as(query).containsExactly(conversation);
		}
		assertThat(this.jdbc.sql("select indexdef from pg_indexes where indexname = 'conversation_search_document_idx'")
			.query(String.class)
			.single()).contains("USING gin (document)");
	}

}
