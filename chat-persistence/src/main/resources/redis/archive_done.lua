-- After the archive committed up to a sequence: remember it (never backwards) and trim the
-- log to the newest `keep` archived entries.
-- KEYS: meta, log
-- ARGV: archived seq, keep
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'archivedSeq') or '0')
local seq = tonumber(ARGV[1])
if seq < current then seq = current end
redis.call('HSET', KEYS[1], 'archivedSeq', seq)
local keep_from = seq - tonumber(ARGV[2]) + 1
if keep_from > 1 then redis.call('XTRIM', KEYS[2], 'MINID', keep_from .. '-0') end
return seq
