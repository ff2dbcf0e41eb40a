-- Attachments (issue 22): files visitors and staff send with a message.
--
-- An upload is recorded here once its bytes are stored; the message that carries it claims
-- it (client_msg_id), so one upload goes with exactly one message. A conversation's row may
-- not exist yet when a file is uploaded into it (the archive writes it moments later), so
-- the conversation is referenced by id only; erasing a customer removes their files
-- explicitly (AttachmentService), like their conversations.
create table attachment (
    id              uuid primary key,
    site_id         uuid        not null,
    conversation_id uuid        not null,
    uploader_kind   text        not null check (uploader_kind in ('VISITOR', 'STAFF')),
    uploader_id     uuid        not null,
    name            text        not null check (char_length(name) between 1 and 200),
    media_type      text        not null check (media_type in ('image/jpeg', 'image/png', 'image/gif',
                                                               'application/pdf', 'text/plain')),
    size            bigint      not null check (size >= 0),
    width           integer     not null default 0 check (width >= 0),
    height          integer     not null default 0 check (height >= 0),
    original        boolean     not null default false,
    client_msg_id   text,
    uploaded_at     timestamptz not null
);
create index attachment_conversation_idx on attachment (conversation_id, uploaded_at);
-- Uploads no message took are forgotten after a while.
create index attachment_unsent_idx on attachment (uploaded_at) where client_msg_id is null;

-- The bytes, when PostgreSQL is the store (porchlight.attachments.store=postgres, the
-- default): each variant (f file, t thumbnail, o original) in chunks of 256 KiB, so a file
-- is written and read a chunk at a time and never held whole in memory. Images and PDFs
-- are compressed already: TOAST stores the chunks out of line without compressing them.
create table attachment_chunk (
    attachment_id uuid    not null,
    variant       char(1) not null check (variant in ('f', 't', 'o')),
    seq           integer not null check (seq >= 0),
    data          bytea   not null,
    primary key (attachment_id, variant, seq)
);
alter table attachment_chunk alter column data set storage external;

-- A message may carry files, and then its text may be empty.
alter table message drop constraint message_body_check;
alter table message add constraint message_body_check check (char_length(body) <= 4000);
-- What the message says about each file: [{"id", "name", "type", "size", "width", "height"}].
alter table message add column attachments jsonb;

-- Search finds a conversation by the names of its files too (the words of a name, in the
-- site's language and exactly, like a message's).
create function porchlight_message_vector(vector tsvector, config regconfig, attachments jsonb) returns tsvector
    immutable parallel safe language sql
    return case when attachments is null then vector
                else vector || coalesce(porchlight_vector(config, 'porchlight_simple',
                         (select string_agg(a ->> 'name', ' ') from jsonb_array_elements(attachments) a)),
                       ''::tsvector) end;

create or replace function porchlight_rebuild_search(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into conversation_search (conversation_id, site_id, started_at, document)
        select c.id, c.site_id, c.started_at,
               porchlight_who(c.customer_id)
               || coalesce((select porchlight_concat(porchlight_message_vector(m.search_vector, m.search_config,
                                                                               m.attachments) order by m.seq)
                              from message m
                             where m.conversation_id = c.id), ''::tsvector)
          from conversation c where c.id = any(conversations)
        on conflict (conversation_id) do update set document = excluded.document;
    end;

create or replace function porchlight_message_search() returns trigger language plpgsql as $$
begin
    insert into conversation_search (conversation_id, site_id, started_at, document)
    select a.conversation_id, c.site_id, c.started_at,
           porchlight_concat(porchlight_message_vector(a.search_vector, a.search_config, a.attachments) order by a.seq)
      from added a join conversation c on c.id = a.conversation_id
     group by a.conversation_id, c.site_id, c.started_at
    on conflict (conversation_id) do update set document = conversation_search.document || excluded.document;
    return null;
end
$$;

-- Whether a site keeps the bytes of images as uploaded (with their metadata) beside the
-- re-encoded picture it serves. No row: it does not.
create table site_attachment_policy (
    site_id        uuid primary key references site (id) on delete cascade,
    keep_originals boolean not null default false
);
