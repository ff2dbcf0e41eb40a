-- Agents limited to some sites (issue 19). Owners, and agents nobody limited, serve every
-- site, also those added later; a limited agent serves exactly the sites listed (maybe
-- none).
alter table account add column all_sites boolean not null default true;
create table account_site (
    account_id uuid not null references account (id) on delete cascade,
    site_id    uuid not null references site (id) on delete cascade,
    primary key (account_id, site_id)
);
create index account_site_site_idx on account_site (site_id);
-- Which sites a customer belongs to is asked for every customer a limited agent opens.
create index if not exists visitor_contact_customer_idx on visitor (contact_customer_id);
