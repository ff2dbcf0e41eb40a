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
-- * A writer marks after inserting messages. An existing mark is locked until the writer
--   commits ("do update ... where false" locks the row and writes nothing), and the job
--   takes only marks nobody holds (skip locked): it never takes a mark while messages it
--   stands for are uncommitted. A mark the job holds makes the writer wait, then mark again
--   after the job's commit, so the writer's messages are appended by a later run.
-- * The job also takes the documents themselves with skip locked: one being rebuilt (a
--   customer's details changed) keeps its mark for a later run. The job waits for no lock,
--   so it takes part in no deadlock.
-- * A rebuild writes the whole document from what its statement sees and marks the
--   conversation: messages committed after its snapshot are appended by the job.

alter table conversation_search add column indexed_seq bigint not null default 0;
-- Until now every archived message was appended in the archive's own transaction.
update conversation_search s set indexed_seq = c.archived_seq from conversation c where c.id = s.conversation_id;

create table search_pending (
    conversation_id uuid primary key references conversation (id) on delete cascade,
    marked_at       timestamptz not null default now()
);
create index search_pending_marked_idx on search_pending (marked_at);

create function porchlight_search_mark(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into search_pending (conversation_id)
        select distinct id from unnest(conversations) id order by id
        on conflict (conversation_id) do update set marked_at = excluded.marked_at where false;
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

-- One run of the job: up to `batch` marked conversations, oldest mark first. Each statement
-- of a volatile function sees what committed before it started, so the append below sees
-- every message whose writer held one of the marks taken.
create function porchlight_refresh_search(batch integer) returns integer
    volatile language plpgsql as $$
declare
    taken uuid[];
    held uuid[];
begin
    select array_agg(conversation_id) into taken
      from (select conversation_id from search_pending order by marked_at limit batch
            for update skip locked) p;
    if taken is null then
        return 0;
    end if;
    select array_agg(conversation_id) into held
      from (select conversation_id from conversation_search where conversation_id = any(taken)
             order by conversation_id for update skip locked) d;
    -- A mark whose conversation has no document (none can, but a mark must not stay
    -- forever) or whose document was free goes; one being rebuilt stays.
    delete from search_pending p
     where p.conversation_id = any(taken)
       and (p.conversation_id = any(coalesce(held, '{}'))
            or not exists (select 1 from conversation_search s where s.conversation_id = p.conversation_id));
    update conversation_search s
       set document = s.document || t.added, indexed_seq = t.upto
      from (select d.conversation_id,
                   porchlight_concat(porchlight_message_vector(m.search_vector, m.search_config, m.attachments)
                                     order by m.seq) as added,
                   max(m.seq) as upto
              from conversation_search d
              join message m on m.conversation_id = d.conversation_id and m.seq > d.indexed_seq
             where d.conversation_id = any(coalesce(held, '{}'))
             group by d.conversation_id) t
     where s.conversation_id = t.conversation_id;
    return cardinality(taken);
end
$$;
