-- Email continuity (docs/email.md): replies to visitors who left go out by email, answers
-- come back into the conversation.

-- A message that arrived by email has the server's client id '~mail-<40 hex digits>', which
-- no client can send (protocol.md).
alter table message drop constraint message_client_msg_id_check;
alter table message add constraint message_client_msg_id_check
    check (client_msg_id ~ '^([A-Za-z0-9_-]{1,64}|~mail-[0-9a-f]{40})$');

-- Emails to send and what became of them. A reply email is queued by the archive itself
-- (the trigger below), in the transaction that stores the staff message, so a reply is
-- queued exactly once however often a batch is written, and survives any crash after the
-- commit. Rows have no foreign key to the conversation: a transcript may be asked for
-- before the conversation is archived; erasure deletes them explicitly.
create table email_outbox (
    id              uuid primary key,
    conversation_id uuid        not null,
    kind            text        not null check (kind in ('REPLY', 'TRANSCRIPT')),
    -- The staff messages the email carries (REPLY), or the end of the transcript.
    first_seq       bigint      not null,
    last_seq        bigint      not null check (last_seq >= first_seq),
    -- For a transcript the address the visitor gave; for a reply, where it went once sent.
    recipient       text,
    status          text        not null check (status in ('QUEUED', 'SENDING', 'SENT', 'RETRYING', 'FAILED',
                                                           'BOUNCED', 'SKIPPED')),
    attempts        int         not null default 0,
    reason          text,
    -- The Message-ID it was sent with (without angle brackets): replies refer to it.
    message_id      text unique,
    -- QUEUED: the visitor's last known activity (due once they were away long enough);
    -- RETRYING: when to try again; SENDING: when the claim was made.
    not_before      timestamptz not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    sent_at         timestamptz
);
-- At most one reply email waiting per conversation: later replies join it.
create unique index email_outbox_one_waiting_reply on email_outbox (conversation_id)
    where status = 'QUEUED' and kind = 'REPLY';
create index email_outbox_due on email_outbox (not_before) where status in ('QUEUED', 'RETRYING', 'SENDING');
create index email_outbox_conversation on email_outbox (conversation_id, created_at);

create function porchlight_queue_reply_email() returns trigger language plpgsql as $$
begin
    -- Only for a customer with an address; whether it may be used is decided when sending.
    if not exists (select 1 from conversation c join customer cu on cu.id = c.customer_id
                    where c.id = new.conversation_id and cu.email is not null) then
        return null;
    end if;
    insert into email_outbox (id, conversation_id, kind, first_seq, last_seq, status, not_before)
    values (gen_random_uuid(), new.conversation_id, 'REPLY', new.seq, new.seq, 'QUEUED', new.sent_at)
    on conflict (conversation_id) where status = 'QUEUED' and kind = 'REPLY'
    do update set first_seq  = least(email_outbox.first_seq, excluded.first_seq),
                  last_seq   = greatest(email_outbox.last_seq, excluded.last_seq),
                  updated_at = now();
    return null;
end
$$;
create trigger message_queue_reply_email after insert on message
    for each row when (new.sender_kind = 'STAFF') execute function porchlight_queue_reply_email();

-- Addresses that bounced or opted out, keyed by a hash of the lower-cased address: what must
-- be remembered (do not write to it again) without keeping the address itself.
create table email_address (
    address_hash  text primary key,
    bounced_at    timestamptz,
    bounce_reason text,
    opted_out_at  timestamptz
);

-- Inbound mail already taken in (by IMAP or webhook, on any node), by a hash of its
-- Message-ID: a mail fetched twice or posted twice is one message.
create table email_inbound (
    key             text primary key,
    conversation_id uuid,
    received_at     timestamptz not null
);
create index email_inbound_conversation on email_inbound (conversation_id);

-- The visitor that stands for an email sender on a site: their later emails start
-- conversations of the same visitor, on the same customer record.
create table email_sender (
    site_id    uuid   not null references site (id) on delete cascade,
    address    citext not null,
    visitor_id uuid   not null references visitor (id) on delete cascade,
    primary key (site_id, address)
);

-- Per site: the name emails come from and the shop's own address (replies and new mail).
create table site_email (
    site_id   uuid primary key references site (id) on delete cascade,
    from_name text check (char_length(from_name) between 1 and 80),
    address   citext unique
);

-- Staff notified by email of conversations waiting with nobody online: the last sequence
-- each conversation was notified at (a node that records a newer one first is the one that
-- tells), and who wants those emails (no row: owners yes, agents no).
create table staff_notice (
    conversation_id uuid primary key,
    seq             bigint      not null,
    at              timestamptz not null
);
create table staff_email_preference (
    account_id    uuid primary key references account (id) on delete cascade,
    notifications boolean not null
);
