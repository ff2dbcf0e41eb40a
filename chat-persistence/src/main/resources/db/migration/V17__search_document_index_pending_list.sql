-- Every archive pass rewrites the documents of the conversations it wrote, and GIN puts
-- their entries in the index's pending list, merged into the index in bulk once the list
-- passes gin_pending_list_limit (4 MB by default). Every search through the index reads
-- the whole pending list first, and with chat running it was seldom empty: on the
-- benchmark's archive (1,000,000 messages) an order number took 1.1 ms with the list
-- empty and 2.1 ms with 259 pages in it (docs/benchmarks.md scenario 4).
-- At 512 kB a search reads 64 pages at most, and the archive pays the same: rewriting
-- 3,000 documents and merging took 502-530 + 14-20 ms, against 450-517 + 42-52 ms at 4 MB
-- (at 64 kB it was 630-680 ms: the bulk merge no longer had many documents to combine).
alter index conversation_search_document_idx set (gin_pending_list_limit = 512);
