-- Signed identity v2 (issue 19). Sites vouch for a customer with a token (JWT HS256) that
-- signs the id, email and name and expires. The old HMAC of the id alone is accepted only
-- where the owner keeps it switched on: sites that already use identity keep working after
-- the upgrade; new sites, and sites with identity off, accept tokens only.
alter table site add column legacy_identity boolean not null default false;
update site set legacy_identity = true where identity_mode <> 'OFF';
-- The details of a customer record whose current value a site signed ('name', 'email').
-- Everything else on a record (typed in a form, passed unsigned, entered by staff) is
-- unverified. Details stored before this migration were never signed.
alter table customer add column verified_details text[] not null default '{}';
