package dev.porchlight.persistence.email;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.email.StaffNotices;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Staff notices in PostgreSQL: an upsert that only moves a conversation's told sequence
 * forward, returning what it moved, so two nodes never tell the same wait.
 */
@Repository
class JdbcStaffNotices implements StaffNotices {

	private final JdbcClient jdbc;

	JdbcStaffNotices(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Set<ConversationId> claim(Map<ConversationId, Long> waiting, Instant at) {
		if (waiting.isEmpty()) {
			return Set.of();
		}
		UUID[] ids = waiting.keySet().stream().map(ConversationId::value).toArray(UUID[]::new);
		Long[] seqs = waiting.keySet().stream().map(waiting::get).toArray(Long[]::new);
		return new HashSet<>(this.jdbc.sql("""
				insert into staff_notice (conversation_id, seq, at)
				select w.id, w.seq, :at from unnest(cast(:ids as uuid[]), cast(:seqs as bigint[])) as w(id, seq)
				on conflict (conversation_id) do update set seq = excluded.seq, at = excluded.at
				 where staff_notice.seq < excluded.seq
				returning conversation_id
				""")
			.param("ids", ids)
			.param("seqs", seqs)
			.param("at", Timestamp.from(at))
			.query((row, rowNum) -> new ConversationId(row.getObject(1, UUID.class)))
			.list());
	}

	@Override
	public Optional<Boolean> wantsEmails(AccountId account) {
		return this.jdbc.sql("select notifications from staff_email_preference where account_id = :account")
			.param("account", account.value())
			.query(Boolean.class)
			.optional();
	}

	@Override
	public void setWantsEmails(AccountId account, boolean wants) {
		this.jdbc.sql("""
				insert into staff_email_preference (account_id, notifications) values (:account, :wants)
				on conflict (account_id) do update set notifications = excluded.notifications
				""").param("account", account.value()).param("wants", wants).update();
	}

}
