package dev.porchlight.persistence.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit log as an append-only PostgreSQL table. Details are stored as a JSON object
 * of strings built by the database from two bound arrays, so no JSON library is needed
 * and no value is ever spliced into SQL.
 */
@Repository
class JdbcAuditLog implements AuditLog {

	private static final String INSERT = """
			insert into audit_log (at, actor_id, actor_label, action, target, address, details)
			values (:at, :actorId, :actorLabel, :action, :target, :address,
			        coalesce(jsonb_object(cast(:keys as text[]), cast(:values as text[])), '{}'::jsonb))
			""";

	private static final String LATEST = """
			select at, actor_id, actor_label, action, target, address,
			       array(select jsonb_object_keys(details) order by 1) as detail_keys,
			       array(select details ->> k from jsonb_object_keys(details) k order by k) as detail_values
			  from audit_log
			 order by id desc
			 limit :limit
			""";

	private final JdbcClient jdbc;

	JdbcAuditLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void record(AuditEvent event) {
		List<String> keys = List.copyOf(event.details().keySet());
		List<String> values = keys.stream().map(event.details()::get).toList();
		this.jdbc.sql(INSERT)
			.param("at", Timestamp.from(event.at()))
			.param("actorId", (event.actor() != null) ? event.actor().value() : null)
			.param("actorLabel", event.actorLabel())
			.param("action", event.action())
			.param("target", event.target())
			.param("address", event.address())
			.param("keys", keys.toArray(String[]::new))
			.param("values", values.toArray(String[]::new))
			.update();
	}

	@Override
	public List<AuditEvent> latest(int limit) {
		return this.jdbc.sql(LATEST).param("limit", Math.clamp(limit, 1, 1000)).query(JdbcAuditLog::event).list();
	}

	private static AuditEvent event(ResultSet row, int rowNum) throws SQLException {
		UUID actor = row.getObject("actor_id", UUID.class);
		String[] keys = (String[]) row.getArray("detail_keys").getArray();
		String[] values = (String[]) row.getArray("detail_values").getArray();
		Map<String, String> details = new LinkedHashMap<>();
		for (int i = 0; i < keys.length; i++) {
			details.put(keys[i], values[i]);
		}
		return new AuditEvent(row.getTimestamp("at").toInstant(), (actor != null) ? new AccountId(actor) : null,
				row.getString("actor_label"), row.getString("action"), row.getString("target"),
				row.getString("address"), details);
	}

}
