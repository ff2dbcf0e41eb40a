-- The insights count now takes a conversation once its mark has waited
-- porchlight.insights.settle (a minute), so that a conversation the archive keeps writing is
-- recounted once a minute instead of after every archive pass (each count reads the whole
-- conversation; over 1,000 busy conversations that was a third of PostgreSQL's work during
-- the archive benchmark, docs/benchmarks.md scenario 3). A rebuild's marks are due at once:
-- they are dated as early as can be, which also puts them before any other.
create or replace function porchlight_insights_rebuild() returns bigint
    volatile language plpgsql as $$
declare
    marked bigint;
begin
    truncate insight_term, insight_term_day, insight_conversation, insight_page, insight_site;
    insert into insight_pending (conversation_id, touched_at) select id, '-infinity' from conversation
    on conflict (conversation_id) do update set touched_at = '-infinity';
    get diagnostics marked = row_count;
    return marked;
end
$$;
