-- A visitor's browser proves continuity with a random credential; only its hash is stored.
alter table visitor add column credential_hash text;

-- Secrets generated once per installation and shared by all nodes (e.g. the visitor-token key).
create table install_secret (
    name       text primary key,
    value      text        not null,
    created_at timestamptz not null
);
