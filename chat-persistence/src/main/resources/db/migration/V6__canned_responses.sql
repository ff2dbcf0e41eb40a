-- Replies staff use often, typed as /shortcut in the dashboard's reply box.
create table canned_response (
    id          uuid        primary key,
    shortcut    text        not null unique check (shortcut ~ '^[a-z0-9_-]{1,30}$'),
    body        text        not null check (char_length(body) between 1 and 4000),
    created_at  timestamptz not null default now()
);
