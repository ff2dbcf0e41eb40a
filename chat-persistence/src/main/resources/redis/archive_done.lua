-- After the archive committed conversations up to a sequence each: remember it (never
-- backwards) and trim each log to the newest `keep` archived entries. Many conversations
-- per call on one Redis; one per call on a Redis Cluster.
-- KEYS: meta and log of each conversation, in pairs
-- ARGV: keep, then each conversation's archived sequence
-- Returns each conversation's archived sequence now (0 for a conversation that is gone).
local keep = tonumber(ARGV[1])
local answers = {}
for i = 1, #KEYS / 2 do
  local meta, log = KEYS[2 * i - 1], KEYS[2 * i]
  -- Every conversation's state has a sequence from its start: without one it is gone.
  local stored = redis.call('HMGET', meta, 'archivedSeq', 'seq')
  if not stored[2] then
    answers[i] = 0
  else
    local current = tonumber(stored[1] or '0')
    local seq = tonumber(ARGV[i + 1])
    if seq > current then
      redis.call('HSET', meta, 'archivedSeq', seq)
    else
      seq = current
    end
    local keep_from = seq - keep + 1
    if keep_from > 1 then redis.call('XTRIM', log, 'MINID', keep_from .. '-0') end
    answers[i] = seq
  end
end
return answers
