#!/bin/bash
# What rewriting a growing search document costs PostgreSQL, and which part of it is the
# GIN index (chat-bench/profile-notes.md, "Search documents that grow").
#
# 1,000 documents, like scenario 3's 1,000 conversations; each pass appends the same
# random 120-word vector to every document in three tables: the default storage with a GIN
# index (as conversation_search), uncompressed storage (EXTERNAL) with a GIN index, and
# the default storage without an index. Prints milliseconds per pass and table.
#
# Uses the PostgreSQL binaries the embedded engine unpacks (/tmp/embedded-pg/PG-*): run
# any test or chat-bench/run once first. Usage: chat-bench/document-rewrite-cost.sh [PASSES]
set -euo pipefail
passes=${1:-60}
pg=$(ls -d /tmp/embedded-pg/PG-* | head -1)
work=$(mktemp -d /tmp/document-rewrite.XXXX)
chmod 777 "$work"
port=54998
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
as_owner "$pg/bin/initdb" -D "$work/data" -U postgres -A trust >/dev/null
as_owner "$pg/bin/pg_ctl" -D "$work/data" -o "-p $port -c shared_buffers=256MB" -l "$work/pg.log" -w start >/dev/null
trap 'as_owner "$pg/bin/pg_ctl" -D "$work/data" stop -m fast >/dev/null; rm -rf "$work"' EXIT
sql() { psql -h 127.0.0.1 -p $port -U postgres -q -t -A "$@"; }
sql <<'SQL'
create table vocab (i int primary key, w text);
insert into vocab select g, substr(md5(g::text), 1, 3 + (g % 7)) || (array['ing','ed','s','','er','ly'])[1 + g % 6]
  from generate_series(1, 3000) g;
create function batch_vec() returns tsvector language plpgsql volatile as $$
declare words text[] := (select array_agg(w order by i) from vocab); s text := '';
begin
  -- a skewed choice of words, as people write
  for k in 1..120 loop s := s || ' ' || words[1 + floor(2999 * power(random(), 3))::int]; end loop;
  return to_tsvector('simple', s);
end $$;
create table docs_gin (id int primary key, document tsvector not null default '');
create table docs_external (id int primary key, document tsvector not null default '');
alter table docs_external alter column document set storage external;
create table docs_plain (id int primary key, document tsvector not null default '');
insert into docs_gin (id) select generate_series(1, 1000);
insert into docs_external (id) select generate_series(1, 1000);
insert into docs_plain (id) select generate_series(1, 1000);
create index on docs_gin using gin (document) with (gin_pending_list_limit = 512);
create index on docs_external using gin (document) with (gin_pending_list_limit = 512);
SQL
echo "pass table ms"
for pass in $(seq 1 "$passes"); do
  sql -c "drop table if exists add" -c "create unlogged table add as select id, batch_vec() v from generate_series(1, 1000) id"
  tables="gin external plain"; (( pass % 2 )) || tables="plain external gin"
  for t in $tables; do
    ms=$(sql -c '\timing on' -c "update docs_$t d set document = d.document || a.v from add a where a.id = d.id" \
      | grep -o 'Time: [0-9.]*' | cut -d' ' -f2)
    echo "$pass $t $ms"
  done
done
sql -c "select 'document: ' || avg(pg_column_size(document))::int || ' bytes stored, '
               || avg(length(document))::int || ' distinct words' from docs_gin"
