package dev.porchlight.persistence.annotation;

import java.util.List;
import java.util.UUID;

import dev.porchlight.domain.annotation.CannedResponse;
import dev.porchlight.domain.annotation.CannedResponses;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Canned responses in PostgreSQL; the shortcut is unique, so saving one with a known
 * shortcut replaces its text.
 */
@Repository
class JdbcCannedResponses implements CannedResponses {

	private final JdbcClient jdbc;

	JdbcCannedResponses(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public List<CannedResponse> all() {
		return this.jdbc.sql("select id, shortcut, body from canned_response order by shortcut")
			.query((row, n) -> new CannedResponse(row.getObject("id", UUID.class), row.getString("shortcut"),
					row.getString("body")))
			.list();
	}

	@Override
	public CannedResponse save(CannedResponse response) {
		return this.jdbc.sql("""
				insert into canned_response (id, shortcut, body) values (:id, :shortcut, :body)
				on conflict (shortcut) do update set body = excluded.body
				returning id, shortcut, body
				""")
			.param("id", response.id())
			.param("shortcut", response.shortcut())
			.param("body", response.body())
			.query((row, n) -> new CannedResponse(row.getObject("id", UUID.class), row.getString("shortcut"),
					row.getString("body")))
			.single();
	}

	@Override
	public boolean remove(UUID id) {
		return this.jdbc.sql("delete from canned_response where id = :id").param("id", id).update() > 0;
	}

}
