-- Client message ids are unique per sender, not per conversation (another sender may pick
-- the same one); the archive's identity is (conversation_id, seq) alone.
alter table message drop constraint message_conversation_id_client_msg_id_key;

-- The live state's version when this row was written: an archiver holding an older view
-- (a lease that expired while it worked) cannot overwrite newer state.
alter table conversation add column state_version bigint not null default 0;

-- The customer record a visitor created by leaving their email; only that record is theirs
-- to update from the contact form.
alter table visitor add column contact_customer_id uuid references customer (id) on delete set null;
