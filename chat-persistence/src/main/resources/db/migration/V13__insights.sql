-- Insights (issue 23): what customers ask for, who they are, how the shop answers.
--
-- Counted incrementally from what is archived. Every archive batch upserts its
-- conversations' rows; a trigger marks them in insight_pending, and a scheduled job
-- (JdbcInsights.count) takes marked conversations in batches and recounts them:
--  * insight_conversation: one narrow row per conversation (its day, hour and weekday in
--    the site's zone, who it was, where it started, how it was answered);
--  * insight_term: the words and two- and three-word phrases the customer (never staff)
--    used in it, once per conversation, stemmed in the site's search language with its
--    stop words dropped, with the surface form first written;
--  * insight_term_day: conversations per site, day and term, kept by triggers on
--    insight_term, so that ranking a period's terms reads one small row per day and term.
-- Everything here is derived: porchlight_insights_rebuild() empties it and marks every
-- conversation again. Deleting a conversation (erasing its customer) deletes its rows, and
-- the day counts follow.

create table insight_pending (
    conversation_id uuid primary key references conversation (id) on delete cascade,
    touched_at      timestamptz not null default now()
);
create index insight_pending_touched_idx on insight_pending (touched_at);

create table insight_conversation (
    conversation_id   uuid primary key references conversation (id) on delete cascade,
    site_id           uuid        not null,
    -- The start, in the site's time zone when first counted.
    day               date        not null,
    local_dow         smallint    not null check (local_dow between 1 and 7),
    local_hour        smallint    not null check (local_hour between 0 and 23),
    -- The customer, else the visitor (a browser that came back is a returning person too).
    who               uuid        not null,
    known             boolean     not null,
    page              text,
    referrer          text,
    customer_messages integer     not null,
    staff_messages    integer     not null,
    first_message_at  timestamptz,
    first_reply_at    timestamptz,
    first_reply_by    uuid,
    closed_at         timestamptz,
    closed_by         uuid,
    started_at        timestamptz not null,
    -- Messages up to this sequence have had their terms counted.
    term_seq          bigint      not null default 0
);
create index insight_conversation_site_day_idx on insight_conversation (site_id, day);
create index insight_conversation_who_idx on insight_conversation (site_id, who, day);

create table insight_term (
    conversation_id uuid not null references conversation (id) on delete cascade,
    term            text not null,
    site_id         uuid not null,
    day             date not null,
    who             uuid not null,
    surface         text not null,
    primary key (conversation_id, term)
);
-- Counting a term's conversations and people in a period reads only this index.
create index insight_term_site_term_day_idx on insight_term (site_id, term, day)
    include (who, surface, conversation_id);

create table insight_term_day (
    site_id       uuid    not null references site (id) on delete cascade,
    day           date    not null,
    term          text    not null,
    conversations integer not null check (conversations > 0),
    primary key (site_id, day, term)
);

-- When each site last had conversations counted, and the pages kept: a page of the last
-- N days (top, rising and fading terms, people, answers) as computed at computed_at for
-- the N days up to last_day, reused while nothing new was counted for the site (or for a
-- short while after, docs/insights.md), and recomputed by the job while someone reads it.
create table insight_site (
    site_id    uuid primary key references site (id) on delete cascade,
    counted_at timestamptz not null
);

create table insight_page (
    site_id     uuid        not null references site (id) on delete cascade,
    days        integer     not null,
    last_day    date        not null,
    computed_at timestamptz not null,
    read_at     timestamptz not null,
    page        jsonb       not null,
    primary key (site_id, days)
);

-- Staff's corrections: a term hidden, or counted as another.
create table insight_term_rule (
    site_id    uuid not null references site (id) on delete cascade,
    term       text not null,
    hidden     boolean not null default false,
    merge_into text,
    check (hidden or merge_into is not null),
    check (merge_into is distinct from term),
    primary key (site_id, term)
);

-- The terms of a text: each word (stemmed in the configuration given, its stop words
-- dropped) and each two and three words in a row, as stems (the key) and as written, in
-- lower case (the label). ASCII punctuation separates words, as in search; a stop word, a
-- bare number or the end of a sentence or clause breaks a phrase (the punctuation that
-- ends one becomes the number 0, which takes a position and is no term). Stems and
-- surface forms come from two parses of the same text, whose positions match. A loop over
-- arrays: about five times faster than the same with joins of the lexemes in SQL.
create function porchlight_insight_terms(config regconfig, body text) returns table (term text, surface text)
    immutable parallel safe strict language plpgsql as $$
declare
    words constant text := regexp_replace(regexp_replace(body, '[.,;:!?()"[\]{}]+', ' 0 ', 'g'),
                                          '[!-/:-@[-`{-~]+', ' ', 'g');
    stems text[] := '{}';
    plain text[] := '{}';
    lexeme record;
    p integer;
    last integer := 0;
begin
    for lexeme in select s.lexeme, s.positions from unnest(to_tsvector(config, words)) s loop
        if char_length(lexeme.lexeme) > 1 and lexeme.lexeme ~ '[[:alpha:]]' then
            foreach p in array lexeme.positions loop
                stems[p] := lexeme.lexeme;
                last := greatest(last, p);
            end loop;
        end if;
    end loop;
    if last = 0 then
        return;
    end if;
    for lexeme in select s.lexeme, s.positions from unnest(to_tsvector('simple'::regconfig, words)) s loop
        foreach p in array lexeme.positions loop
            if p <= last then
                plain[p] := lexeme.lexeme;
            end if;
        end loop;
    end loop;
    for p in 1 .. last loop
        continue when stems[p] is null;
        term := stems[p];
        surface := plain[p];
        return next;
        if stems[p + 1] is not null then
            term := term || ' ' || stems[p + 1];
            surface := surface || ' ' || plain[p + 1];
            return next;
            if stems[p + 2] is not null then
                term := term || ' ' || stems[p + 2];
                surface := surface || ' ' || plain[p + 2];
                return next;
            end if;
        end if;
    end loop;
end
$$;

-- Every conversation an archive batch (or anything else) writes is marked for counting.
-- An existing mark is locked until the writer commits ("do update ... where false" locks
-- the row and writes nothing), so the count, which skips locked marks, never takes a mark
-- while the messages it stands for are uncommitted; a mark the count holds makes the
-- writer wait, then mark again.
create function porchlight_insight_mark() returns trigger language plpgsql as $$
begin
    insert into insight_pending (conversation_id)
    select distinct id from touched
    on conflict (conversation_id) do update set touched_at = excluded.touched_at where false;
    return null;
end
$$;
create trigger insight_mark_on_insert after insert on conversation
    referencing new table as touched for each statement execute function porchlight_insight_mark();
create trigger insight_mark_on_update after update on conversation
    referencing new table as touched for each statement execute function porchlight_insight_mark();

-- The day counts follow the terms, whatever adds or deletes them.
create function porchlight_insight_terms_added() returns trigger language plpgsql as $$
begin
    insert into insight_term_day (site_id, day, term, conversations)
    select site_id, day, term, count(*) from added group by site_id, day, term
     order by site_id, day, term
    on conflict (site_id, day, term) do update
       set conversations = insight_term_day.conversations + excluded.conversations;
    return null;
end
$$;
create trigger insight_term_on_insert after insert on insight_term
    referencing new table as added for each statement execute function porchlight_insight_terms_added();

create function porchlight_insight_terms_removed() returns trigger language plpgsql as $$
begin
    with gone as (select site_id, day, term, count(*) as n from removed group by site_id, day, term),
         lowered as (update insight_term_day d set conversations = d.conversations - g.n
                       from gone g
                      where d.site_id = g.site_id and d.day = g.day and d.term = g.term and d.conversations > g.n)
    delete from insight_term_day d
     using gone g
     where d.site_id = g.site_id and d.day = g.day and d.term = g.term and d.conversations <= g.n;
    return null;
end
$$;
create trigger insight_term_on_delete after delete on insight_term
    referencing old table as removed for each statement execute function porchlight_insight_terms_removed();

-- A conversation removed (its customer erased, its site deleted) takes the kept pages of
-- its site with it: no kept figure outlives what it counted.
create function porchlight_insight_conversations_removed() returns trigger language plpgsql as $$
begin
    delete from insight_page where site_id in (select distinct site_id from removed);
    return null;
end
$$;
create trigger insight_conversation_on_delete after delete on insight_conversation
    referencing old table as removed for each statement execute function porchlight_insight_conversations_removed();

-- Everything counted again from the archive: one command for operators
-- (docs/insights.md). The scheduled count then works through the marks.
create function porchlight_insights_rebuild() returns bigint
    volatile language plpgsql as $$
declare
    marked bigint;
begin
    truncate insight_term, insight_term_day, insight_conversation, insight_page, insight_site;
    insert into insight_pending (conversation_id) select id from conversation
    on conflict (conversation_id) do nothing;
    get diagnostics marked = row_count;
    return marked;
end
$$;

-- What is already archived is counted by the scheduled job after the upgrade.
insert into insight_pending (conversation_id) select id from conversation;
