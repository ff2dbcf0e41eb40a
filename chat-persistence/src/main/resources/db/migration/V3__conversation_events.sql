-- Non-message entries of a conversation's log (closed, reopened), so that an archived log
-- keeps every sequence number: messages and events together are gapless from 1.
create table conversation_event (
    conversation_id uuid        not null references conversation (id) on delete cascade,
    seq             bigint      not null check (seq >= 1),
    kind            text        not null check (kind in ('CLOSED', 'REOPENED')),
    sender_kind     text        not null check (sender_kind in ('VISITOR', 'STAFF', 'SYSTEM')),
    author_id       uuid,
    at              timestamptz not null,
    primary key (conversation_id, seq)
);
