package dev.porchlight.persistence.transcript;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.persistence.attachment.AttachmentJson;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The archive in PostgreSQL. A batch of any number of conversations is one transaction of
 * three statements: the conversation rows (upserted, their archive marks only ever moving
 * forward, state older than what is stored never written), then all messages and all
 * events each in a single multi-row insert built from arrays ({@code unnest}), skipping
 * what is already there ({@code on conflict do nothing} on the conversation and
 * sequence). Writing a batch twice therefore changes nothing. In the same transaction a
 * trigger appends the messages actually inserted to their conversations' search documents
 * (V7). A customer id merged away since the live state named it is written as the
 * surviving record.
 */
@Repository
class JdbcTranscripts implements Transcripts {

	private static final String UPSERT_CONVERSATIONS = """
			insert into conversation (id, site_id, visitor_id, customer_id, assignee_id, status, context, started_at,
			                          last_activity_at, closed_at, archived_seq, state_version)
			select b.id, b.site_id, b.visitor_id, coalesce(cu.id, merged.into_id),
			       -- Unknown to the caller: what is stored stays.
			       case when b.assignee_known then a.id
			            else (select stored.assignee_id from conversation stored where stored.id = b.id) end,
			       b.status,
			       jsonb_strip_nulls(jsonb_build_object('url', b.url, 'title', b.title, 'referrer', b.referrer,
			                                            'locale', b.locale)),
			       b.started_at, b.last_activity_at, b.closed_at, b.archived_seq, b.version
			  from unnest(cast(:ids as uuid[]), cast(:siteIds as uuid[]), cast(:visitorIds as uuid[]),
			              cast(:customerIds as uuid[]), cast(:assigneeIds as uuid[]), cast(:statuses as text[]),
			              cast(:urls as text[]), cast(:titles as text[]), cast(:referrers as text[]),
			              cast(:locales as text[]), cast(:startedAts as timestamptz[]),
			              cast(:lastActivities as timestamptz[]), cast(:closedAts as timestamptz[]),
			              cast(:archivedSeqs as bigint[]), cast(:versions as bigint[]), cast(:assigneeKnown as boolean[]))
			       as b(id, site_id, visitor_id, customer_id, assignee_id, status, url, title, referrer, locale,
			            started_at, last_activity_at, closed_at, archived_seq, version, assignee_known)
			  -- A customer or staff member erased meanwhile is simply not referenced; a customer
			  -- merged away meanwhile is referenced as the surviving record.
			  left join customer cu on cu.id = b.customer_id
			  left join customer_merge merged on merged.merged_id = b.customer_id
			  left join account a on a.id = b.assignee_id
			on conflict (id) do update
			   set status = excluded.status,
			       customer_id = coalesce(excluded.customer_id, conversation.customer_id),
			       assignee_id = excluded.assignee_id,
			       last_activity_at = greatest(conversation.last_activity_at, excluded.last_activity_at),
			       closed_at = excluded.closed_at,
			       archived_seq = greatest(conversation.archived_seq, excluded.archived_seq),
			       state_version = excluded.state_version
			 -- An archiver holding an older view (its lease expired meanwhile) never overwrites newer state.
			 where excluded.state_version >= conversation.state_version
			""";

	private static final String INSERT_MESSAGES = """
			insert into message (conversation_id, seq, client_msg_id, sender_kind, author_id, body, sent_at, search_config,
			                     attachments)
			select m.conversation_id, m.seq, m.client_id, m.sender_kind, m.author_id, m.body, m.sent_at,
			       coalesce(s.search_config, 'porchlight_simple'), cast(m.attachments as jsonb)
			  from unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[]), cast(:clientIds as text[]),
			              cast(:senderKinds as text[]), cast(:authors as uuid[]), cast(:bodies as text[]),
			              cast(:sentAts as timestamptz[]), cast(:attachments as text[]))
			       as m(conversation_id, seq, client_id, sender_kind, author_id, body, sent_at, attachments)
			  left join conversation c on c.id = m.conversation_id
			  left join site s on s.id = c.site_id
			on conflict (conversation_id, seq) do nothing
			""";

	private static final String INSERT_EVENTS = """
			insert into conversation_event (conversation_id, seq, kind, sender_kind, author_id, at)
			select e.conversation_id, e.seq, e.kind, e.sender_kind, e.author_id, e.at
			  from unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[]), cast(:kinds as text[]),
			              cast(:senderKinds as text[]), cast(:authors as uuid[]), cast(:ats as timestamptz[]))
			       as e(conversation_id, seq, kind, sender_kind, author_id, at)
			on conflict (conversation_id, seq) do nothing
			""";

	/**
	 * Archived messages at the batch's sequences that are not the batch's messages: Redis
	 * reused a sequence (e.g. it lost its last writes).
	 */
	private static final String DIVERGED = """
			select m.conversation_id from message m
			  join unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[]), cast(:clientIds as text[]),
			              cast(:senderKinds as text[])) as b(conversation_id, seq, client_id, sender_kind)
			    on b.conversation_id = m.conversation_id and b.seq = m.seq
			 where m.client_msg_id <> b.client_id or m.sender_kind <> b.sender_kind
			union
			-- A message where a close or reopen was archived.
			select e.conversation_id from conversation_event e
			  join unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[])) as b(conversation_id, seq)
			    on b.conversation_id = e.conversation_id and b.seq = e.seq
			""";

	/**
	 * Archived entries at the batch's close and reopen sequences that are not those
	 * events: a message, or the other kind of event.
	 */
	private static final String EVENTS_DIVERGED = """
			select m.conversation_id from message m
			  join unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[])) as b(conversation_id, seq)
			    on b.conversation_id = m.conversation_id and b.seq = m.seq
			union
			select e.conversation_id from conversation_event e
			  join unnest(cast(:conversationIds as uuid[]), cast(:seqs as bigint[]), cast(:kinds as text[]))
			       as b(conversation_id, seq, kind)
			    on b.conversation_id = e.conversation_id and b.seq = e.seq
			 where e.kind <> b.kind
			""";

	private static final String LOG_AFTER = """
			select seq, 'MESSAGE' as kind, client_msg_id, sender_kind, author_id, body, sent_at as at,
			       attachments::text as attachments
			  from message where conversation_id = :id and seq > :after
			union all
			select seq, kind, null, sender_kind, author_id, null, at, null
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
		write(List.of(new Batch(conversation, null, version, entries)), false);
		return archivedSeq(conversation.id());
	}

	@Override
	@Transactional
	public void archive(List<Batch> batches) {
		write(batches, true);
	}

	/**
	 * One statement per table for the whole batch, however many conversations it holds.
	 */
	private void write(List<Batch> batches, boolean assigneeKnown) {
		if (batches.isEmpty()) {
			return;
		}
		int size = batches.size();
		UUID[] ids = new UUID[size];
		UUID[] sites = new UUID[size];
		UUID[] visitors = new UUID[size];
		UUID[] customers = new UUID[size];
		UUID[] assignees = new UUID[size];
		String[] statuses = new String[size];
		String[] urls = new String[size];
		String[] titles = new String[size];
		String[] referrers = new String[size];
		String[] locales = new String[size];
		Timestamp[] started = new Timestamp[size];
		Timestamp[] lastActivities = new Timestamp[size];
		Timestamp[] closed = new Timestamp[size];
		Long[] archivedSeqs = new Long[size];
		Long[] versions = new Long[size];
		Boolean[] known = new Boolean[size];
		List<LogEntry> messages = new ArrayList<>();
		List<LogEntry> events = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Batch batch = batches.get(i);
			Conversation conversation = batch.conversation();
			PageContext context = conversation.context();
			ids[i] = conversation.id().value();
			sites[i] = conversation.siteId().value();
			visitors[i] = conversation.visitorId().value();
			customers[i] = (conversation.customerId() != null) ? conversation.customerId().value() : null;
			assignees[i] = (batch.assignee() != null) ? batch.assignee().value() : null;
			statuses[i] = conversation.status().name();
			urls[i] = context.url();
			titles[i] = context.title();
			referrers[i] = context.referrer();
			locales[i] = context.locale();
			started[i] = Timestamp.from(conversation.startedAt());
			lastActivities[i] = Timestamp.from(conversation.lastActivityAt());
			closed[i] = (conversation.closedAt() != null) ? Timestamp.from(conversation.closedAt()) : null;
			archivedSeqs[i] = batch.entries().stream().mapToLong(LogEntry::seq).max().orElse(0);
			versions[i] = batch.version();
			known[i] = assigneeKnown;
			for (LogEntry entry : batch.entries()) {
				((entry.kind() == LogEntry.Kind.MESSAGE) ? messages : events).add(entry);
			}
		}
		this.jdbc.sql(UPSERT_CONVERSATIONS)
			.param("ids", ids)
			.param("siteIds", sites)
			.param("visitorIds", visitors)
			.param("customerIds", customers)
			.param("assigneeIds", assignees)
			.param("statuses", statuses)
			.param("urls", urls)
			.param("titles", titles)
			.param("referrers", referrers)
			.param("locales", locales)
			.param("startedAts", started)
			.param("lastActivities", lastActivities)
			.param("closedAts", closed)
			.param("archivedSeqs", archivedSeqs)
			.param("versions", versions)
			.param("assigneeKnown", known)
			.update();
		if (!messages.isEmpty()) {
			// What identifies each message: inserted, then compared with what is stored.
			Map<String, Object> identity = Map.of("conversationIds",
					messages.stream().map((entry) -> entry.conversationId().value()).toArray(UUID[]::new), "seqs",
					messages.stream().map(LogEntry::seq).toArray(Long[]::new), "clientIds",
					messages.stream().map((entry) -> entry.clientId().value()).toArray(String[]::new), "senderKinds",
					messages.stream().map((entry) -> entry.sender().kind().name()).toArray(String[]::new));
			this.jdbc.sql(INSERT_MESSAGES)
				.params(identity)
				.param("authors", messages.stream().map((entry) -> author(entry.sender())).toArray(UUID[]::new))
				.param("bodies", messages.stream().map((entry) -> entry.body().text()).toArray(String[]::new))
				.param("sentAts",
						messages.stream().map((entry) -> Timestamp.from(entry.at())).toArray(Timestamp[]::new))
				.param("attachments",
						messages.stream()
							.map((entry) -> AttachmentJson.write(entry.attachments()))
							.toArray(String[]::new))
				.update();
			failIfDiverged(DIVERGED, identity);
		}
		if (!events.isEmpty()) {
			Map<String, Object> identity = Map.of("conversationIds",
					events.stream().map((entry) -> entry.conversationId().value()).toArray(UUID[]::new), "seqs",
					events.stream().map(LogEntry::seq).toArray(Long[]::new), "kinds",
					events.stream().map((entry) -> entry.kind().name()).toArray(String[]::new));
			this.jdbc.sql(INSERT_EVENTS)
				.params(identity)
				.param("senderKinds",
						events.stream().map((entry) -> entry.sender().kind().name()).toArray(String[]::new))
				.param("authors", events.stream().map((entry) -> author(entry.sender())).toArray(UUID[]::new))
				.param("ats", events.stream().map((entry) -> Timestamp.from(entry.at())).toArray(Timestamp[]::new))
				.update();
			failIfDiverged(EVENTS_DIVERGED, identity);
		}
	}

	/**
	 * Every archived entry at the batch's sequences must be the one given
	 * ({@link #DIVERGED}, {@link #EVENTS_DIVERGED}): a different one means Redis reused a
	 * sequence (e.g. it lost its last writes), and silently keeping the old row would
	 * drop an acknowledged entry. Fails the batch instead.
	 */
	private void failIfDiverged(String check, Map<String, Object> identity) {
		List<UUID> diverged = this.jdbc.sql(check).params(identity).query(UUID.class).list();
		if (!diverged.isEmpty()) {
			throw new DataIntegrityViolationException(
					"The live log of conversation(s) " + diverged + " diverged from the archive");
		}
	}

	@Override
	public Map<ConversationId, Long> archivedSeqs(Collection<ConversationId> conversations) {
		Map<ConversationId, Long> seqs = new HashMap<>();
		if (conversations.isEmpty()) {
			return seqs;
		}
		this.jdbc.sql("select id, archived_seq from conversation where id = any(cast(:ids as uuid[]))")
			.param("ids", conversations.stream().map(ConversationId::value).toArray(UUID[]::new))
			.query((row, rowNum) -> seqs.put(new ConversationId(row.getObject("id", UUID.class)),
					row.getLong("archived_seq")))
			.list();
		return seqs;
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
				(body != null) ? new MessageBody(body) : null, row.getTimestamp("at").toInstant(),
				AttachmentJson.read(row.getString("attachments")));
	}

	private static @Nullable UUID author(Sender sender) {
		return sender.id();
	}

}
