package dev.porchlight.persistence.transcript;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The archive in PostgreSQL. A batch is one transaction: the conversation row (upserted,
 * its archive mark only ever moving forward), then all messages and all events each in a
 * single multi-row insert built from arrays ({@code unnest}), skipping what is already
 * there ({@code on conflict do nothing} on the conversation and sequence). Writing a
 * batch twice therefore changes nothing. In the same transaction a trigger appends the
 * messages actually inserted to the conversation's search document (V7). A customer id
 * merged away since the live state named it is written as the surviving record.
 */
@Repository
class JdbcTranscripts implements Transcripts {

	private static final String UPSERT_CONVERSATION = """
			insert into conversation (id, site_id, visitor_id, customer_id, status, context, started_at,
			                          last_activity_at, closed_at, archived_seq, state_version)
			values (:id, :siteId, :visitorId,
			        -- A customer merged away since the live state named it: the surviving record.
			        coalesce((select c.id from customer c where c.id = :customerId),
			                 (select m.into_id from customer_merge m where m.merged_id = :customerId)), :status,
			        jsonb_strip_nulls(jsonb_build_object('url', cast(:url as text), 'title', cast(:title as text),
			                          'referrer', cast(:referrer as text), 'locale', cast(:locale as text))),
			        :startedAt, :lastActivity, :closedAt, :archivedSeq, :version)
			on conflict (id) do update
			   set status = excluded.status,
			       customer_id = coalesce(excluded.customer_id, conversation.customer_id),
			       last_activity_at = greatest(conversation.last_activity_at, excluded.last_activity_at),
			       closed_at = excluded.closed_at,
			       archived_seq = greatest(conversation.archived_seq, excluded.archived_seq),
			       state_version = excluded.state_version
			 -- An archiver holding an older view (its lease expired meanwhile) never overwrites newer state.
			 where excluded.state_version >= conversation.state_version
			""";

	private static final String INSERT_MESSAGES = """
			insert into message (conversation_id, seq, client_msg_id, sender_kind, author_id, body, sent_at, search_config)
			select :conversationId, m.seq, m.client_id, m.sender_kind, m.author_id, m.body, m.sent_at,
			       coalesce((select s.search_config from site s where s.id = :siteId), 'porchlight_simple')
			  from unnest(cast(:seqs as bigint[]), cast(:clientIds as text[]), cast(:senderKinds as text[]),
			              cast(:authors as uuid[]), cast(:bodies as text[]), cast(:sentAts as timestamptz[]))
			       as m(seq, client_id, sender_kind, author_id, body, sent_at)
			on conflict (conversation_id, seq) do nothing
			""";

	private static final String INSERT_EVENTS = """
			insert into conversation_event (conversation_id, seq, kind, sender_kind, author_id, at)
			select :conversationId, e.seq, e.kind, e.sender_kind, e.author_id, e.at
			  from unnest(cast(:seqs as bigint[]), cast(:kinds as text[]), cast(:senderKinds as text[]),
			              cast(:authors as uuid[]), cast(:ats as timestamptz[]))
			       as e(seq, kind, sender_kind, author_id, at)
			on conflict (conversation_id, seq) do nothing
			""";

	private static final String LOG_AFTER = """
			select seq, 'MESSAGE' as kind, client_msg_id, sender_kind, author_id, body, sent_at as at
			  from message where conversation_id = :id and seq > :after
			union all
			select seq, kind, null, sender_kind, author_id, null, at
			  from conversation_event where conversation_id = :id and seq > :after
			 order by seq
			 limit :limit
			""";

	private final JdbcClient jdbc;

	JdbcTranscripts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	@Transactional
	public long archive(Conversation conversation, long version, List<LogEntry> entries) {
		long highest = entries.stream().mapToLong(LogEntry::seq).max().orElse(0);
		PageContext context = conversation.context();
		this.jdbc.sql(UPSERT_CONVERSATION)
			.param("id", conversation.id().value())
			.param("siteId", conversation.siteId().value())
			.param("visitorId", conversation.visitorId().value())
			.param("customerId", (conversation.customerId() != null) ? conversation.customerId().value() : null)
			.param("status", conversation.status().name())
			.param("url", context.url())
			.param("title", context.title())
			.param("referrer", context.referrer())
			.param("locale", context.locale())
			.param("startedAt", Timestamp.from(conversation.startedAt()))
			.param("lastActivity", Timestamp.from(conversation.lastActivityAt()))
			.param("closedAt", (conversation.closedAt() != null) ? Timestamp.from(conversation.closedAt()) : null)
			.param("archivedSeq", highest)
			.param("version", version)
			.update();
		List<LogEntry> messages = entries.stream().filter((entry) -> entry.kind() == LogEntry.Kind.MESSAGE).toList();
		List<LogEntry> events = entries.stream().filter((entry) -> entry.kind() != LogEntry.Kind.MESSAGE).toList();
		if (!messages.isEmpty()) {
			this.jdbc.sql(INSERT_MESSAGES)
				.param("conversationId", conversation.id().value())
				.param("siteId", conversation.siteId().value())
				.param("seqs", messages.stream().map(LogEntry::seq).toArray(Long[]::new))
				.param("clientIds", messages.stream().map((entry) -> entry.clientId().value()).toArray(String[]::new))
				.param("senderKinds",
						messages.stream().map((entry) -> entry.sender().kind().name()).toArray(String[]::new))
				.param("authors", messages.stream().map((entry) -> author(entry.sender())).toArray(UUID[]::new))
				.param("bodies", messages.stream().map((entry) -> entry.body().text()).toArray(String[]::new))
				.param("sentAts",
						messages.stream().map((entry) -> Timestamp.from(entry.at())).toArray(Timestamp[]::new))
				.update();
		}
		if (!events.isEmpty()) {
			this.jdbc.sql(INSERT_EVENTS)
				.param("conversationId", conversation.id().value())
				.param("seqs", events.stream().map(LogEntry::seq).toArray(Long[]::new))
				.param("kinds", events.stream().map((entry) -> entry.kind().name()).toArray(String[]::new))
				.param("senderKinds",
						events.stream().map((entry) -> entry.sender().kind().name()).toArray(String[]::new))
				.param("authors", events.stream().map((entry) -> author(entry.sender())).toArray(UUID[]::new))
				.param("ats", events.stream().map((entry) -> Timestamp.from(entry.at())).toArray(Timestamp[]::new))
				.update();
		}
		checkNotDiverged(conversation.id(), messages);
		return archivedSeq(conversation.id());
	}

	/**
	 * Every archived message at these sequences must be the one given: a different one
	 * means Redis reused a sequence (e.g. it lost its last writes), and silently keeping
	 * the old row would drop an acknowledged message. Fails the batch instead.
	 */
	private void checkNotDiverged(ConversationId conversation, List<LogEntry> messages) {
		if (messages.isEmpty()) {
			return;
		}
		long different = this.jdbc.sql("""
				select count(*) from message m
				  join unnest(cast(:seqs as bigint[]), cast(:clientIds as text[]), cast(:senderKinds as text[]))
				       as b(seq, client_id, sender_kind) on b.seq = m.seq
				 where m.conversation_id = :id and (m.client_msg_id <> b.client_id or m.sender_kind <> b.sender_kind)
				""")
			.param("id", conversation.value())
			.param("seqs", messages.stream().map(LogEntry::seq).toArray(Long[]::new))
			.param("clientIds", messages.stream().map((entry) -> entry.clientId().value()).toArray(String[]::new))
			.param("senderKinds", messages.stream().map((entry) -> entry.sender().kind().name()).toArray(String[]::new))
			.query(Long.class)
			.single();
		if (different > 0) {
			throw new DataIntegrityViolationException("The live log of conversation " + conversation
					+ " diverged from its archive at " + different + " sequence(s)");
		}
	}

	@Override
	public long archivedSeq(ConversationId conversation) {
		return this.jdbc.sql("select archived_seq from conversation where id = :id")
			.param("id", conversation.value())
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	@Override
	public List<LogEntry> after(ConversationId conversation, long afterSeq, int limit) {
		return new ArrayList<>(this.jdbc.sql(LOG_AFTER)
			.param("id", conversation.value())
			.param("after", afterSeq)
			.param("limit", Math.clamp(limit, 1, 10_000))
			.query((row, rowNum) -> entry(conversation, row))
			.list());
	}

	private static LogEntry entry(ConversationId conversation, ResultSet row) throws SQLException {
		LogEntry.Kind kind = LogEntry.Kind.valueOf(row.getString("kind"));
		UUID author = row.getObject("author_id", UUID.class);
		Sender sender = Sender.of(Sender.Kind.valueOf(row.getString("sender_kind")), author);
		String clientId = row.getString("client_msg_id");
		String body = row.getString("body");
		return new LogEntry(conversation, row.getLong("seq"), kind,
				(clientId != null) ? new ClientMessageId(clientId) : null, sender,
				(body != null) ? new MessageBody(body) : null, row.getTimestamp("at").toInstant());
	}

	private static @Nullable UUID author(Sender sender) {
		return sender.id();
	}

}
