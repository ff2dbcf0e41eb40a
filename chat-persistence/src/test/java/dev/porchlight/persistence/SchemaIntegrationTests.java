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
	void messagesGetASearchVectorAndTheFullTextIndexExists() {
		UUID site = UUID.randomUUID();
		UUID visitor = UUID.randomUUID();
		UUID conversation = UUID.randomUUID();
		this.jdbc
			.sql("""
					insert into site (id, site_key, name, identity_mode, identity_secret, widget_settings, created_at, updated_at)
					values (?, 'pk_0123456789abcdefghijkl', 'Shop', 'OFF', 's', '{}', now(), now())
					""")
			.param(site)
			.update();
		this.jdbc.sql("insert into visitor (id, site_id, first_seen_at, last_seen_at) values (?, ?, now(), now())")
			.params(visitor, site)
			.update();
		this.jdbc.sql("""
				insert into conversation (id, site_id, visitor_id, status, started_at, last_activity_at)
				values (?, ?, ?, 'OPEN', now(), now())
				""").params(conversation, site, visitor).update();
		this.jdbc.sql("""
				insert into message (conversation_id, seq, client_msg_id, sender_kind, body, sent_at)
				values (?, 1, 'c1', 'VISITOR', 'Do you make custom ankh pendants?', now())
				""").param(conversation).update();
		List<Long> hits = this.jdbc
			.sql("select seq from message where body_tsv @@ websearch_to_tsquery('simple', 'ankh pendants')")
			.query(Long.class)
			.list();
		assertThat(hits).containsExactly(1L);
		assertThat(this.jdbc.sql("select indexdef from pg_indexes where indexname = 'message_body_tsv_idx'")
			.query(String.class)
			.single()).contains("USING gin (body_tsv)");
	}

}
