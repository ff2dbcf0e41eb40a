-- Conversations as the archive needs them, each in one atomic step: its state (the meta
-- hash, whose version then covers exactly the entries returned) and its log entries after
-- a sequence; nothing for a conversation that is gone. Many conversations per call on one
-- Redis; one per call on a Redis Cluster, where their keys live in different slots.
-- KEYS: meta and log of each conversation, in pairs
-- ARGV: how many entries at most per conversation, then each one's sequence to read after
local answers = {}
for i = 1, #KEYS / 2 do
  local meta, log = KEYS[2 * i - 1], KEYS[2 * i]
  local state = redis.call('HGETALL', meta)
  if #state == 0 then
    answers[i] = {}
  else
    answers[i] = {state, redis.call('XRANGE', log, (tonumber(ARGV[i + 1]) + 1) .. '-0', '+', 'COUNT', ARGV[1])}
  end
end
return answers
