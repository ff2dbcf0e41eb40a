package dev.porchlight.persistence.insight;

import java.time.Duration;
import java.util.UUID;

import dev.porchlight.domain.site.SiteId;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The counting of {@link JdbcInsights}: counts marked conversations into the insight
 * tables. Counting takes a batch of marked conversations and recounts each in three
 * statements: its row (recomputed whole from its messages), the terms of its customer
 * messages not counted yet (with the mark of how far it got, in the same statement, so
 * both see the same messages), and who it belongs to in its terms (a customer linked or
 * merged since). One node counts at a time (an advisory lock), so the day counts that
 * triggers keep are never updated by two counts at once. Its caller holds the
 * transactions.
 */
final class InsightCounter {

	/** The advisory lock of the count: "insights" in ASCII, as a number. */
	static final long COUNT_LOCK = 0x696e_7369_6768_7473L;

	private static final String CLAIM = """
			delete from insight_pending
			 where conversation_id in (select conversation_id from insight_pending
			                            where touched_at <= now() - make_interval(secs => :settled)
			                            order by touched_at limit :batch for update skip locked)
			returning conversation_id
			""";

	private static final String CONVERSATIONS = """
			insert into insight_conversation (conversation_id, site_id, day, local_dow, local_hour, who, known, page,
			                                  referrer, customer_messages, staff_messages, first_message_at,
			                                  first_reply_at, first_reply_by, closed_at, closed_by, started_at)
			select c.id, c.site_id, (c.started_at at time zone z.zone)::date,
			       extract(isodow from c.started_at at time zone z.zone), extract(hour from c.started_at at time zone z.zone),
			       coalesce(c.customer_id, c.visitor_id), c.customer_id is not null,
			       left(regexp_replace(c.context ->> 'url', '[?#].*$', ''), 300),
			       lower(substring(c.context ->> 'referrer' from '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)')),
			       coalesce(n.visitor, 0), coalesce(n.staff, 0), n.first_at, r.sent_at, r.author_id,
			       c.closed_at,
			       case when c.closed_at is not null
			            then coalesce((select e.author_id from conversation_event e
			                            where e.conversation_id = c.id and e.kind = 'CLOSED' and e.sender_kind = 'STAFF'
			                            order by e.seq desc limit 1), c.assignee_id) end,
			       c.started_at
			  from conversation c
			  join site s on s.id = c.site_id
			  cross join lateral (select coalesce(s.widget_settings #>> '{businessHours,zone}', 'UTC') as zone) z
			  cross join lateral (select count(*) filter (where m.sender_kind = 'VISITOR') as visitor,
			                             count(*) filter (where m.sender_kind = 'STAFF') as staff,
			                             min(m.sent_at) filter (where m.sender_kind = 'VISITOR') as first_at
			                        from message m where m.conversation_id = c.id) n
			  left join lateral (select m.sent_at, m.author_id from message m
			                      where m.conversation_id = c.id and m.sender_kind = 'STAFF' and m.sent_at >= n.first_at
			                      order by m.seq limit 1) r on true
			 where c.id = any(:ids)
			on conflict (conversation_id) do update
			   set who = excluded.who, known = excluded.known, page = excluded.page, referrer = excluded.referrer,
			       customer_messages = excluded.customer_messages, staff_messages = excluded.staff_messages,
			       first_message_at = excluded.first_message_at, first_reply_at = excluded.first_reply_at,
			       first_reply_by = excluded.first_reply_by, closed_at = excluded.closed_at,
			       closed_by = excluded.closed_by
			""";

	private static final String TERMS = """
			with src as (
			    select m.conversation_id, m.seq, m.sender_kind, m.body, i.site_id, i.day, i.who, s.search_config
			      from insight_conversation i
			      join site s on s.id = i.site_id
			      join message m on m.conversation_id = i.conversation_id and m.seq > i.term_seq
			     where i.conversation_id = any(:ids)),
			added as (
			    insert into insight_term (conversation_id, term, site_id, day, who, surface)
			    select distinct on (src.conversation_id, t.term)
			           src.conversation_id, t.term, src.site_id, src.day, src.who, t.surface
			      from src cross join lateral porchlight_insight_terms(src.search_config, src.body) t
			     where src.sender_kind = 'VISITOR'
			     order by src.conversation_id, t.term, src.seq
			    on conflict (conversation_id, term) do nothing)
			update insight_conversation i set term_seq = s.seq
			  from (select conversation_id, max(seq) as seq from src group by conversation_id) s
			 where i.conversation_id = s.conversation_id
			""";

	private static final String OWNERS = """
			update insight_term t set who = i.who
			  from insight_conversation i
			 where i.conversation_id = any(:ids) and t.conversation_id = i.conversation_id and t.who <> i.who
			""";

	private final JdbcClient jdbc;

	InsightCounter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	int count(int batch, Duration settled) {
		if (!tryTransactionLock(this.jdbc, COUNT_LOCK)) {
			return 0;
		}
		UUID[] ids = this.jdbc.sql(CLAIM)
			.param("batch", batch)
			.param("settled", settled.toMillis() / 1000.0)
			.query(UUID.class)
			.list()
			.toArray(UUID[]::new);
		if (ids.length == 0) {
			return 0;
		}
		this.jdbc.sql(CONVERSATIONS).param("ids", ids).update();
		this.jdbc.sql(TERMS).param("ids", ids).update();
		this.jdbc.sql(OWNERS).param("ids", ids).update();
		this.jdbc.sql("""
				insert into insight_site (site_id, counted_at)
				select distinct site_id, now() from insight_conversation where conversation_id = any(:ids)
				on conflict (site_id) do update set counted_at = excluded.counted_at
				""").param("ids", ids).update();
		return ids.length;
	}

	void postponeOldest() {
		this.jdbc.sql("""
				update insight_pending set touched_at = now()
				 where conversation_id = (select conversation_id from insight_pending order by touched_at limit 1
				                           for update skip locked)
				""").update();
	}

	long waiting(SiteId site) {
		return this.jdbc.sql("""
				select count(*) from insight_pending p join conversation c on c.id = p.conversation_id
				 where c.site_id = :site
				""").param("site", site.value()).query(Long.class).single();
	}

	long rebuild() {
		// Waits for a count in progress, so none writes into what was just emptied.
		this.jdbc.sql("select pg_advisory_xact_lock(:key)").param("key", COUNT_LOCK).query((row) -> {
		});
		return this.jdbc.sql("select porchlight_insights_rebuild()").query(Long.class).single();
	}

	/**
	 * Takes an advisory lock until the transaction ends, if no other transaction holds
	 * it.
	 * @param jdbc the client, in a transaction
	 * @param key the lock
	 * @return whether this transaction has it
	 */
	static boolean tryTransactionLock(JdbcClient jdbc, long key) {
		return Boolean.TRUE
			.equals(jdbc.sql("select pg_try_advisory_xact_lock(:key)").param("key", key).query(Boolean.class).single());
	}

}
