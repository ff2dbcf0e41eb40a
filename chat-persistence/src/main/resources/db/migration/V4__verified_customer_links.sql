-- Whether a visitor's link to a customer was vouched for by the site (HMAC). Only such
-- links ever open a customer's history to a visitor; an email the visitor typed links them
-- to a customer record for the owner's benefit, but grants the visitor nothing.
alter table visitor add column customer_verified boolean not null default false;
