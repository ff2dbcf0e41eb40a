-- Archived messages reach their conversation's search document shortly after the archive
-- commits, no longer inside its transaction.
--
-- Appending to a document writes the conversation's row again, its whole tsvector and the
-- GIN entries of every word in it. Done by the archive, that happened on every pass, for
-- every conversation in the pass: about 30% of PostgreSQL's archive work and half the
-- archive's lag at 10,000 messages/s (docs/benchmarks.md, scenario 3). Now the archive only
-- marks the conversation (search_pending), and a job on every node (JdbcSearchIndex.refresh)
-- appends what each marked conversation gained since its document was last written, once
-- for all the passes that happened meanwhile.
--
-- Why no message is missed:
-- * indexed_seq says up to which log sequence the document holds the conversation's
--   messages; the job appends the messages after it, in sequence order.
-- * Every transaction that inserts messages adds its own mark for each of their
--   conversations (an insert, never an update: writers lock nothing another transaction
--   waits for, and no mark is held for long by a busy conversation's stream of archives).
--   A mark is seen by the job only once its writer committed, with the messages it stands
--   for; the job reads the messages in a later statement than the one that took the
--   marks, so it sees them.
-- * The job takes marks and documents with skip locked (two nodes share the work; a
--   document being rebuilt, because a customer's details changed, keeps its marks for a
--   later run), so it waits for no lock and takes part in no deadlock.
-- * A rebuild writes the whole document from what its statement sees and marks the
--   conversation: messages committed after its snapshot are appended by the job.

alter table conversation_search add column indexed_seq bigint not null default 0;
-- Until now every archived message was appended in the archive's own transaction.
update conversation_search s set indexed_seq = c.archived_seq from conversation c where c.id = s.conversation_id;

-- No foreign key: a mark costs one insert, and the job drops marks of conversations that
-- are gone.
create table search_pending (
    id              bigint generated always as identity primary key,
    conversation_id uuid        not null,
    marked_at       timestamptz not null default now()
);

create function porchlight_search_mark(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into search_pending (conversation_id)
        select distinct id from unnest(conversations) id;
    end;

create or replace function porchlight_message_search() returns trigger language plpgsql as $$
begin
    perform porchlight_search_mark(array(select distinct conversation_id from added));
    return null;
end
$$;

create or replace function porchlight_rebuild_search(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into conversation_search (conversation_id, site_id, started_at, document, indexed_seq)
        select c.id, c.site_id, c.started_at,
               porchlight_who(c.customer_id)
               || coalesce((select porchlight_concat(porchlight_message_vector(m.search_vector, m.search_config,
                                                                               m.attachments) order by m.seq)
                              from message m
                             where m.conversation_id = c.id), ''::tsvector),
               coalesce((select max(m.seq) from message m where m.conversation_id = c.id), 0)
          from conversation c where c.id = any(conversations)
         order by c.id
        on conflict (conversation_id) do update set document = excluded.document, indexed_seq = excluded.indexed_seq;
        -- Messages committed after this statement's snapshot are appended by the job.
        select porchlight_search_mark(array(select c.id from conversation c where c.id = any(conversations)));
    end;

-- One run of the job: up to `batch` marks, oldest first, and every conversation they
-- name, with all of its marks nobody holds. Each statement of a volatile function sees
-- what committed before it started, so the append sees the messages of every mark removed
-- before it.
create function porchlight_refresh_search(batch integer) returns integer
    volatile language plpgsql as $$
declare
    taken integer;
    named uuid[];
    held uuid[];
begin
    select count(*), array_agg(distinct conversation_id) into taken, named
      from (select conversation_id from search_pending order by id limit batch for update skip locked) p;
    if taken = 0 then
        return 0;
    end if;
    select array_agg(conversation_id) into held
      from (select conversation_id from conversation_search where conversation_id = any(named)
             order by conversation_id for update skip locked) d;
    held := coalesce(held, '{}');
    -- The marks of a document being rebuilt stay; those of conversations that are gone go.
    delete from search_pending
     where id in (select p.id from search_pending p
                   where p.conversation_id = any(held)
                      or (p.conversation_id = any(named)
                          and not exists (select 1 from conversation_search s where s.conversation_id = p.conversation_id))
                     for update skip locked);
    -- Each conversation's new messages by its key (the planner, left to itself, joined
    -- the whole message table), and each document by its key.
    with t as (
        select d.conversation_id, x.added, x.upto
          from conversation_search d
          cross join lateral (select porchlight_concat(porchlight_message_vector(m.search_vector, m.search_config,
                                                                                 m.attachments) order by m.seq) as added,
                                     max(m.seq) as upto
                                from message m
                               where m.conversation_id = d.conversation_id and m.seq > d.indexed_seq) x
         where d.conversation_id = any(held) and x.upto is not null)
    update conversation_search s
       set document = s.document || t.added, indexed_seq = t.upto
      from t
     where s.conversation_id = t.conversation_id and s.conversation_id = any(held);
    return taken;
end
$$;
