-- A conversation's search document starts with who its customer is (porchlight_who). It
-- was read from the snapshot of the transaction adding the conversation (the archive's),
-- while a change to the customer's details committed at the same moment rebuilt only the
-- documents it could see, not the new conversation's: the document kept the old details
-- (found by a relevance test in CI: a phone the owner had just added was not found).
--
-- Now the triggers that read a customer for a document first take a share lock on the
-- customer's row. A change being committed is waited for, and the next statement reads
-- it (READ COMMITTED takes a new snapshot per statement); a change that starts later waits
-- until this transaction commits, and its rebuild then sees the new conversation. The
-- archive adds and updates conversations before it appends messages to documents, so it
-- holds no document row a change could be waiting for while it waits for the customer.
create or replace function porchlight_conversation_added() returns trigger language plpgsql as $$
begin
    perform 1 from customer where id = new.customer_id for share;
    insert into conversation_search (conversation_id, site_id, started_at, document)
    values (new.id, new.site_id, new.started_at, porchlight_who(new.customer_id))
    on conflict (conversation_id) do nothing;
    return null;
end
$$;

create or replace function porchlight_conversation_search() returns trigger language plpgsql as $$
begin
    perform 1 from customer where id = new.customer_id for share;
    perform porchlight_rebuild_search(array[new.id]);
    return null;
end
$$;
