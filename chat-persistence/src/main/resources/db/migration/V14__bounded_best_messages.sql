-- The best messages of one conversation for a search's snippet (issue 17, speed).
--
-- Before, every message of a result's conversation that had a query word was ranked. A
-- long conversation and a common word made that the largest part of a broad search: for
-- `order` over twenty conversations of ~270 messages each, 5,400 messages were read and
-- ranked (10 ms of the request's 15). Now only the 30 latest messages with any query word
-- are read, together with the 3 latest that have every query word (so a message covering
-- the whole query is never missed for being old), and the best 3 of those are returned:
-- most query words first, then the densest, then the earliest.
--
-- The walk goes backwards through the message primary key and stops at the 30th match.
-- The planner would rather read every message of the conversation through a bitmap and
-- sort them (it cannot know how many match), hence bitmap scans are off inside this
-- function only; GIN searches elsewhere are not affected.
create function porchlight_best_messages(conversation uuid, terms tsquery[], any_term tsquery, all_terms tsquery)
    returns table (seq bigint, body text, config text, covered bigint[])
    language sql stable
    set enable_bitmapscan = off
as $$
    select x.seq, x.body, x.config, x.covered
      from (select m.seq, m.body, cast(m.search_config as text) as config,
                   array(select t.i from unnest(terms) with ordinality as t(q, i)
                          where m.search_vector @@ t.q) as covered,
                   ts_rank_cd(m.search_vector, any_term, 32) as density
              from ((select n.seq from message n
                      where n.conversation_id = conversation and n.search_vector @@ any_term
                      order by n.seq desc limit 30)
                    union
                    (select n.seq from message n
                      where all_terms is not null and n.conversation_id = conversation
                        and n.search_vector @@ all_terms
                      order by n.seq desc limit 3)) s
              join message m on m.conversation_id = conversation and m.seq = s.seq) x
     order by cardinality(x.covered) desc, x.density desc, x.seq
     limit 3
$$;
