-- The archive adds conversations many at a time (issue 18), and each new conversation's
-- search document was started by a row trigger: one INSERT and one call of
-- porchlight_who per conversation, and each call ran its query afresh (about 190 µs a
-- call, against 45-65 µs for the same expression inside one statement, over 2,000
-- customers).
--
-- Now one statement trigger adds the documents of everything an INSERT added, and who a
-- customer is, as search lexemes, is computed for many customers in one query
-- (porchlight_who_of). The archive's conversation upsert of 2,000 new conversations
-- (PostgreSQL 17, the statement alone, four rounds alternating the two triggers):
-- 836-1,008 ms -> 194-303 ms without customers, 1,337-1,665 ms -> 362-632 ms with a
-- customer each. A whole archive pass is in docs/benchmarks.md
-- (NewConversationArchiveBenchmarks).
--
-- Waiting for customer changes (V15) is kept: the customers of all the new conversations
-- are share-locked first (a change being committed is waited for), and the documents are
-- read by the next statement, which sees any change committed meanwhile.

create function porchlight_who_of(customers uuid[]) returns table (customer_id uuid, document tsvector)
    stable parallel safe language sql
    begin atomic
        select c.id,
               porchlight_vector('porchlight_simple', 'porchlight_simple',
                                 concat_ws(' ', c.name, c.email::text,
                                           (select string_agg(i.external_id, ' ') from customer_identity i
                                             where i.customer_id = c.id)))
               || porchlight_phone_vector(coalesce(c.phone_digits, ''))
          from customer c where c.id = any(customers);
    end;

-- One definition of who a customer is: the single-customer form reads the set form.
create or replace function porchlight_who(customer uuid) returns tsvector
    stable parallel safe language sql
    return coalesce((select w.document from porchlight_who_of(array[customer]) w), ''::tsvector);

create function porchlight_conversations_added() returns trigger language plpgsql as $$
begin
    perform 1 from customer where id in (select customer_id from added) for share;
    insert into conversation_search (conversation_id, site_id, started_at, document)
    select a.id, a.site_id, a.started_at, coalesce(w.document, ''::tsvector)
      from added a
      left join porchlight_who_of(array(select customer_id from added where customer_id is not null)) w
        on w.customer_id = a.customer_id
    on conflict (conversation_id) do nothing;
    return null;
end
$$;

drop trigger conversation_search_on_insert on conversation;
drop function porchlight_conversation_added();
create trigger conversation_search_on_insert after insert on conversation
    referencing new table as added for each statement execute function porchlight_conversations_added();

-- Rebuilding documents (a customer's details changed, a customer linked or merged) reads
-- each customer once, not once per conversation.
create or replace function porchlight_rebuild_search(conversations uuid[]) returns void
    volatile language sql
    begin atomic
        insert into conversation_search (conversation_id, site_id, started_at, document)
        select c.id, c.site_id, c.started_at,
               coalesce(w.document, ''::tsvector)
               || coalesce((select porchlight_concat(porchlight_message_vector(m.search_vector, m.search_config,
                                                                               m.attachments) order by m.seq)
                              from message m
                             where m.conversation_id = c.id), ''::tsvector)
          from conversation c
          left join porchlight_who_of(array(select r.customer_id from conversation r
                                             where r.id = any(conversations) and r.customer_id is not null)) w
            on w.customer_id = c.customer_id
         where c.id = any(conversations)
        on conflict (conversation_id) do update set document = excluded.document;
    end;
