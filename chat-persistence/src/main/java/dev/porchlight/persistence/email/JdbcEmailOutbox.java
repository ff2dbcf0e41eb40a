package dev.porchlight.persistence.email;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.OutboundEmail;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox in PostgreSQL. Claims use {@code for update skip locked}, so nodes claiming
 * at once take different emails; a reply put back to wait joins a reply queued meanwhile
 * (one waiting reply per conversation, V11).
 */
@Repository
class JdbcEmailOutbox implements EmailOutbox {

	private static final String COLUMNS = """
			id, conversation_id, kind, first_seq, last_seq, recipient, status, attempts, reason, message_id,
			not_before, created_at, sent_at""";

	private static final String CLAIM = """
			update email_outbox o
			   set status = 'SENDING', attempts = o.attempts + 1, not_before = :now, updated_at = :now
			  from (select id from email_outbox
			         where (status = 'QUEUED' and kind = 'REPLY' and not_before <= :queuedBefore)
			            or (status = 'QUEUED' and kind = 'TRANSCRIPT' and not_before <= :now)
			            or (status = 'RETRYING' and not_before <= :now)
			            or (status = 'SENDING' and not_before <= :stalledBefore)
			         order by not_before
			         limit :limit
			           for update skip locked) due
			 where o.id = due.id
			returning o.id, o.conversation_id, o.kind, o.first_seq, o.last_seq, o.recipient, o.status, o.attempts,
			          o.reason, o.message_id, o.not_before, o.created_at, o.sent_at
			""";

	private final JdbcClient jdbc;

	JdbcEmailOutbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	@Transactional
	public List<OutboundEmail> claimDue(Duration delay, Duration stalled, int limit, Instant now) {
		return this.jdbc.sql(CLAIM)
			.param("now", Timestamp.from(now))
			.param("queuedBefore", Timestamp.from(now.minus(delay)))
			.param("stalledBefore", Timestamp.from(now.minus(stalled)))
			.param("limit", limit)
			.query(JdbcEmailOutbox::email)
			.list();
	}

	@Override
	public Optional<OutboundEmail> stillClaimed(OutboundEmail claimed, Instant now) {
		// A claim sets not_before to its own time: another claim of the row changed it.
		return this.jdbc
			.sql("update email_outbox set not_before = :now, updated_at = :now"
					+ " where id = :id and status = 'SENDING' and not_before = :claimedAt returning " + COLUMNS)
			.param("now", Timestamp.from(now))
			.param("id", claimed.id())
			.param("claimedAt", Timestamp.from(claimed.notBefore()))
			.query(JdbcEmailOutbox::email)
			.optional();
	}

	@Override
	@Transactional
	public void postpone(UUID id, Instant since) {
		OutboundEmail email = find(id).orElse(null);
		if (email == null) {
			return;
		}
		if (email.kind() == OutboundEmail.Kind.REPLY) {
			int joined = this.jdbc.sql("""
					update email_outbox
					   set first_seq = least(first_seq, :first), last_seq = greatest(last_seq, :last),
					       not_before = greatest(not_before, :since), updated_at = now()
					 where conversation_id = :conversation and status = 'QUEUED' and kind = 'REPLY' and id <> :id
					""")
				.param("first", email.firstSeq())
				.param("last", email.lastSeq())
				.param("since", Timestamp.from(since))
				.param("conversation", email.conversationId().value())
				.param("id", id)
				.update();
			if (joined > 0) {
				this.jdbc.sql("delete from email_outbox where id = :id").param("id", id).update();
				return;
			}
		}
		this.jdbc.sql("""
				update email_outbox set status = 'QUEUED', attempts = 0, not_before = :since, updated_at = now()
				 where id = :id
				""").param("since", Timestamp.from(since)).param("id", id).update();
	}

	@Override
	public void later(UUID id, Instant at, String reason) {
		this.jdbc.sql("""
				update email_outbox set status = 'RETRYING', attempts = greatest(attempts - 1, 0), not_before = :at,
				       reason = :reason, updated_at = now()
				 where id = :id
				""").param("at", Timestamp.from(at)).param("reason", reason).param("id", id).update();
	}

	@Override
	public void sent(UUID id, String recipient, String messageId, Instant at) {
		this.jdbc.sql("""
				update email_outbox set status = 'SENT', recipient = :recipient, message_id = :messageId, reason = null,
				       sent_at = :at, updated_at = :at
				 where id = :id
				""")
			.param("recipient", recipient)
			.param("messageId", messageId)
			.param("at", Timestamp.from(at))
			.param("id", id)
			.update();
	}

	@Override
	public void failed(UUID id, String reason, @Nullable Instant retryAt) {
		this.jdbc.sql("""
				update email_outbox set status = :status, reason = :reason, not_before = coalesce(:retryAt, not_before),
				       updated_at = now()
				 where id = :id
				""")
			.param("status", (retryAt != null) ? "RETRYING" : "FAILED")
			.param("reason", reason)
			.param("retryAt", (retryAt != null) ? Timestamp.from(retryAt) : null)
			.param("id", id)
			.update();
	}

	@Override
	public void skipped(UUID id, String reason) {
		this.jdbc.sql("update email_outbox set status = 'SKIPPED', reason = :reason, updated_at = now() where id = :id")
			.param("reason", reason)
			.param("id", id)
			.update();
	}

	@Override
	public Optional<ConversationId> bounced(String messageId, @Nullable String recipient, String reason) {
		return this.jdbc.sql("""
				update email_outbox set status = 'BOUNCED', reason = :reason, updated_at = now()
				 where message_id = :messageId
				   and (cast(:recipient as text) is null or lower(recipient) = lower(cast(:recipient as text)))
				returning conversation_id
				""")
			.param("reason", reason)
			.param("messageId", messageId)
			.param("recipient", recipient)
			.query((row, rowNum) -> new ConversationId(row.getObject(1, UUID.class)))
			.optional();
	}

	@Override
	public OutboundEmail queueTranscript(ConversationId conversation, long lastSeq, String recipient, Instant now) {
		UUID id = UUID.randomUUID();
		this.jdbc.sql("""
				insert into email_outbox (id, conversation_id, kind, first_seq, last_seq, recipient, status, not_before,
				                          created_at, updated_at)
				values (:id, :conversation, 'TRANSCRIPT', 1, greatest(:lastSeq, 1), :recipient, 'QUEUED', :now,
				        :now, :now)
				""")
			.param("id", id)
			.param("conversation", conversation.value())
			.param("lastSeq", lastSeq)
			.param("recipient", recipient)
			.param("now", Timestamp.from(now))
			.update();
		return find(id).orElseThrow();
	}

	@Override
	public Optional<ConversationId> conversationOf(String messageId) {
		return this.jdbc.sql("select conversation_id from email_outbox where message_id = :messageId")
			.param("messageId", messageId)
			.query((row, rowNum) -> new ConversationId(row.getObject(1, UUID.class)))
			.optional();
	}

	@Override
	public List<String> sentMessageIds(ConversationId conversation) {
		return this.jdbc.sql("""
				select message_id from email_outbox
				 where conversation_id = :conversation and message_id is not null
				 order by sent_at
				""").param("conversation", conversation.value()).query(String.class).list();
	}

	@Override
	public List<OutboundEmail> ofConversation(ConversationId conversation) {
		return this.jdbc.sql("select " + COLUMNS + """
				 from email_outbox where conversation_id = :conversation order by created_at, first_seq
				""").param("conversation", conversation.value()).query(JdbcEmailOutbox::email).list();
	}

	@Override
	public int sentSince(ConversationId conversation, Instant since) {
		return this.jdbc.sql("""
				select count(*) from email_outbox
				 where conversation_id = :conversation and status in ('SENT', 'BOUNCED') and sent_at >= :since
				""")
			.param("conversation", conversation.value())
			.param("since", Timestamp.from(since))
			.query(Integer.class)
			.single();
	}

	private Optional<OutboundEmail> find(UUID id) {
		return this.jdbc.sql("select " + COLUMNS + " from email_outbox where id = :id")
			.param("id", id)
			.query(JdbcEmailOutbox::email)
			.optional();
	}

	private static OutboundEmail email(ResultSet row, int rowNum) throws SQLException {
		Timestamp sent = row.getTimestamp("sent_at");
		return new OutboundEmail(row.getObject("id", UUID.class),
				new ConversationId(row.getObject("conversation_id", UUID.class)),
				OutboundEmail.Kind.valueOf(row.getString("kind")), row.getLong("first_seq"), row.getLong("last_seq"),
				row.getString("recipient"), OutboundEmail.Status.valueOf(row.getString("status")),
				row.getInt("attempts"), row.getString("reason"), row.getString("message_id"),
				row.getTimestamp("not_before").toInstant(), row.getTimestamp("created_at").toInstant(),
				(sent != null) ? sent.toInstant() : null);
	}

}
