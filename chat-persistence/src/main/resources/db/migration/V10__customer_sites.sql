-- The sites a customer was tied to through a conversation staff moved to another customer.
-- Without the tie, a customer made by linking one conversation would belong to no site once
-- that conversation was linked elsewhere, and records of no site are visible to staff of
-- every site.
create table customer_site (
    customer_id uuid not null references customer (id) on delete cascade,
    site_id uuid not null references site (id) on delete cascade,
    primary key (customer_id, site_id)
);
