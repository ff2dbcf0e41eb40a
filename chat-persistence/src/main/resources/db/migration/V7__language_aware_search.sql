-- Search that finds what the owner means (issue 17):
--  * each site has a search language; a message is indexed with that language's stems AND
--    its exact words, both accent-insensitive, plus the parts of codes, links and
--    addresses and every emoji;
--  * a conversation is searched as a whole: one positional document per conversation
--    (who the customer is, then every message in order) with a GIN index;
--  * customers are found by unaccented names, one typo in a short name, phone digits.

-- Text search configurations -----------------------------------------------------------
-- porchlight_simple: exact words, lower case, accents removed. porchlight_<language>: the
-- same words stemmed (with the language's stop words dropped), accents removed first.
-- Numbers and words with digits are never stemmed.
create text search configuration porchlight_simple (copy = simple);
alter text search configuration porchlight_simple
    alter mapping for word, hword, hword_part, numword, numhword with unaccent, simple;

do $$
declare
    language text;
begin
    foreach language in array array['english', 'german', 'french', 'spanish', 'italian', 'portuguese', 'dutch',
                                     'swedish', 'danish', 'norwegian', 'finnish'] loop
        execute format('create text search configuration porchlight_%s (copy = %s)', language, language);
        execute format('alter text search configuration porchlight_%s alter mapping for word, hword, hword_part '
                       'with unaccent, %s_stem', language, language);
        execute format('alter text search configuration porchlight_%s alter mapping for numword, numhword '
                       'with unaccent, simple', language);
    end loop;
end $$;

-- unaccent() is only STABLE (it looks its dictionary up by name at run time), so it cannot
-- serve an index. A function with a standard SQL body binds the dictionary when it is
-- created, so it is truly immutable.
create function porchlight_unaccent(value text) returns text
    immutable parallel safe strict language sql
    return unaccent('unaccent', value);

-- The search vector of a text. ASCII punctuation becomes space first, so the parts of
-- codes, links, addresses, hyphenated words and markup are words of their own
-- ("ZX-99812" -> zx 99812, "<b>kettle</b>" -> b kettle b); the language's stems and the
-- exact words follow each other, each half starting one position late, so no phrase can
-- run from one half into the other or, once concatenated, from one message into the
-- next. Emoji, which the parser skips, are added as lexemes of their own. Only built-in
-- functions and the configurations passed in are used, so it works under any search_path
-- (maintenance commands run with a restricted one).
create function porchlight_vector(config regconfig, simple regconfig, body text) returns tsvector
    immutable parallel safe strict language plpgsql as $$
declare
    words constant text := regexp_replace(body, '[!-/:-@[-`{-~]+', ' ', 'g');
    vector tsvector := '§:1'::tsvector || to_tsvector(simple, words);
begin
    if config <> simple then
        vector := '§:1'::tsvector || to_tsvector(config, words) || vector;
    end if;
    if octet_length(body) > char_length(body) then
        vector := vector || array_to_tsvector(array(
            select distinct e[1]
              from regexp_matches(body, '([\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff])', 'g') e));
    end if;
    return ts_delete(vector, '§');
end
$$;

-- Phone numbers as lexemes: '+' and every ending of 6 or more of its digits (a query's
-- digits are one of them), '=' and all its digits (a query with a country code the stored
-- number lacks ends with them). Leading zeros (trunk or international prefix) are dropped.
-- Neither character survives the word splitting above, so no typed word collides.
create function porchlight_phone_digits(phone text) returns text
    immutable parallel safe strict language sql
    return ltrim(regexp_replace(phone, '[^0-9]', '', 'g'), '0');

create function porchlight_phone_vector(digits text) returns tsvector
    immutable parallel safe strict language sql
    return case when digits = '' then ''::tsvector
                else array_to_tsvector(array(select '+' || right(digits, n) from generate_series(6, length(digits)) n)
                                       || ('=' || digits)) end;

-- Keys for a short name with one typo: each word of 3 to 8 letters (unaccented, lower
-- case) and each of its one-letter deletions. Two words one edit apart share a key
-- (a substitution deletes the same position from both, an insertion is a deletion from
-- the longer one, a swap of neighbours shares a deletion too).
create function porchlight_name_keys(name text) returns text[]
    immutable parallel safe language sql
    return array(
        select distinct k
          from regexp_split_to_table(porchlight_unaccent(lower(coalesce(name, ''))), '[[:space:]!-/:-@[-`{-~]+') w,
               lateral (select w as k union all
                        select overlay(w placing '' from i for 1) from generate_series(1, length(w)) i) keys
         where length(w) between 3 and 8);

create aggregate porchlight_concat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');
create aggregate porchlight_any(tsquery) (sfunc = tsquery_or, stype = tsquery);
create aggregate porchlight_all(tsquery) (sfunc = tsquery_and, stype = tsquery);

-- Sites: the search language ------------------------------------------------------------
-- Existing sites speak the language most of their visitors' pages were in, else English.
alter table site alter column search_config set default 'porchlight_english';
update site s
   set search_config = coalesce((
       select case split_part(lower(c.context ->> 'locale'), '-', 1)
                  when 'en' then 'porchlight_english' when 'de' then 'porchlight_german'
                  when 'fr' then 'porchlight_french' when 'es' then 'porchlight_spanish'
                  when 'it' then 'porchlight_italian' when 'pt' then 'porchlight_portuguese'
                  when 'nl' then 'porchlight_dutch' when 'sv' then 'porchlight_swedish'
                  when 'da' then 'porchlight_danish' when 'nb' then 'porchlight_norwegian'
                  when 'nn' then 'porchlight_norwegian' when 'no' then 'porchlight_norwegian'
                  when 'fi' then 'porchlight_finnish' end
         from conversation c
        where c.site_id = s.id and c.context ->> 'locale' is not null
        group by 1 order by count(*) desc limit 1), 'porchlight_english')::regconfig;

-- Customers ---------------------------------------------------------------------------
-- Stored, so that neither an index recheck nor a ranking calls unaccent again per row.
alter table customer add column name_plain text generated always as (porchlight_unaccent(lower(name))) stored;
alter table customer add column phone_digits text generated always as (porchlight_phone_digits(phone)) stored;
alter table customer add column name_keys text[] generated always as (porchlight_name_keys(name)) stored;
drop index customer_phone_trgm_idx;
create index customer_phone_digits_idx on customer (phone_digits);
create index customer_phone_suffix_idx on customer (reverse(phone_digits) text_pattern_ops);
drop index customer_name_trgm_idx;
create index customer_name_trgm_idx on customer using gin (name_plain gin_trgm_ops);
create index customer_name_prefix_idx on customer (name_plain text_pattern_ops);
create index customer_name_keys_idx on customer using gin (name_keys);

-- Where each merged-away customer went, so that an id still held elsewhere (a visitor's
-- token, a live conversation not archived yet) reaches the surviving record.
create table customer_merge (
    merged_id uuid primary key,
    into_id   uuid        not null references customer (id) on delete cascade,
    merged_at timestamptz not null
);
create index customer_merge_into_idx on customer_merge (into_id);

-- A visitor's pre-chat link that a merge moved to another record: the visitor may add
-- details that record lacks, never overwrite it.
alter table visitor add column contact_customer_merged boolean not null default false;

-- Messages: the search vector ---------------------------------------------------------
alter table message drop column body_tsv;
update message m
   set search_config = s.search_config
  from conversation c join site s on s.id = c.site_id
 where c.id = m.conversation_id and m.search_config <> s.search_config;
alter table message alter column search_config set default 'porchlight_simple';
alter table message add column search_vector tsvector
    generated always as (porchlight_vector(search_config, 'porchlight_simple', body)) stored;

-- Conversations: one document each ----------------------------------------------------
-- Who the customer is (name, email, a site's ids for them, phone), then every message in
-- sequence order. Kept by the triggers below, so no path that archives messages or changes
-- a customer can forget it.
-- Site and start time never change, so they are copied here: a search needs no join for
-- them, and rewriting this row (and its GIN entries) at every message is avoided.
create table conversation_search (
    conversation_id uuid primary key references conversation (id) on delete cascade,
    site_id         uuid        not null,
    started_at      timestamptz not null,
    document        tsvector    not null default ''
);

create function porchlight_who(customer uuid) returns tsvector
    stable parallel safe language sql
    return coalesce((
        select porchlight_vector('porchlight_simple', 'porchlight_simple',
                                 concat_ws(' ', c.name, c.email::text,
                                           (select string_agg(i.external_id, ' ') from customer_identity i
                                             where i.customer_id = c.id)))
               || porchlight_phone_vector(coalesce(c.phone_digits, ''))
          from customer c where c.id = customer), ''::tsvector);

create function porchlight_rebuild_search(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into conversation_search (conversation_id, site_id, started_at, document)
        select c.id, c.site_id, c.started_at,
               porchlight_who(c.customer_id)
               || coalesce((select porchlight_concat(m.search_vector order by m.seq) from message m
                             where m.conversation_id = c.id), ''::tsvector)
          from conversation c where c.id = any(conversations)
        on conflict (conversation_id) do update set document = excluded.document;
    end;

select porchlight_rebuild_search(array(select id from conversation));

create index conversation_search_document_idx on conversation_search using gin (document);
-- A word in most conversations is checked along the newest ones instead of the GIN index.
create index conversation_search_started_idx on conversation_search (started_at desc, conversation_id desc);
-- Listing and searching newest-first without a site filter.
create index conversation_activity_idx on conversation (last_activity_at desc, id desc);

-- A new conversation has no messages yet: its document starts with its customer.
create function porchlight_conversation_added() returns trigger language plpgsql as $$
begin
    insert into conversation_search (conversation_id, site_id, started_at, document)
    values (new.id, new.site_id, new.started_at, porchlight_who(new.customer_id))
    on conflict (conversation_id) do nothing;
    return null;
end
$$;
create function porchlight_conversation_search() returns trigger language plpgsql as $$
begin
    perform porchlight_rebuild_search(array[new.id]);
    return null;
end
$$;
create trigger conversation_search_on_insert after insert on conversation
    for each row execute function porchlight_conversation_added();
create trigger conversation_search_on_customer after update of customer_id on conversation
    for each row when (old.customer_id is distinct from new.customer_id)
    execute function porchlight_conversation_search();

-- Archived messages are appended to their conversation's document, one statement per
-- batch.
create function porchlight_message_search() returns trigger language plpgsql as $$
begin
    insert into conversation_search (conversation_id, site_id, started_at, document)
    select a.conversation_id, c.site_id, c.started_at, porchlight_concat(a.search_vector order by a.seq)
      from added a join conversation c on c.id = a.conversation_id
     group by a.conversation_id, c.site_id, c.started_at
    on conflict (conversation_id) do update set document = conversation_search.document || excluded.document;
    return null;
end
$$;
create trigger message_search_on_insert after insert on message
    referencing new table as added for each statement execute function porchlight_message_search();

create function porchlight_customer_search() returns trigger language plpgsql as $$
begin
    perform porchlight_rebuild_search(array(select c.id from conversation c
                                              where c.customer_id in (old.customer_id, new.customer_id)));
    return null;
end
$$;
create function porchlight_customer_details_search() returns trigger language plpgsql as $$
begin
    perform porchlight_rebuild_search(array(select c.id from conversation c where c.customer_id = new.id));
    return null;
end
$$;
create trigger customer_search_on_details after update of name, email, phone on customer
    for each row when (old.name is distinct from new.name or old.email is distinct from new.email
                       or old.phone is distinct from new.phone)
    execute function porchlight_customer_details_search();
create trigger customer_identity_search_on_insert after insert on customer_identity
    for each row execute function porchlight_customer_search();
create trigger customer_identity_search_on_change after update or delete on customer_identity
    for each row execute function porchlight_customer_search();
