-- Closes or reopens a conversation: the log entry, the state and the events in one step.
-- KEYS: meta, log, and on a single Redis also inbox, archive list
-- ARGV: status, sender kind, sender id, at, conversation id, conversation channel,
--       inbox channel, announce ('1': publish the events now; '0': the caller announces
--       them later)
local meta, log = KEYS[1], KEYS[2]
local channel = ARGV[6]
if ARGV[8] == '0' then channel = nil end
if redis.call('EXISTS', meta) == 0 then return {-1, 0} end
if redis.call('HGET', meta, 'status') == ARGV[1] then return {0, 0} end
local kind = (ARGV[1] == 'CLOSED') and 'CLOSED' or 'REOPENED'
local seq = add_entry(meta, log, channel, ARGV[5], {'k', kind, 'sk', ARGV[2], 'si', ARGV[3], 'at', ARGV[4]})
redis.call('HSET', meta, 'status', ARGV[1], 'lastActivity', ARGV[4])
if ARGV[1] == 'CLOSED' then
  redis.call('HSET', meta, 'closedAt', ARGV[4])
else
  redis.call('HDEL', meta, 'closedAt')
end
local ver = redis.call('HINCRBY', meta, 'ver', 1)
if KEYS[3] then
  redis.call('ZADD', KEYS[3], 'GT', ARGV[4], ARGV[5])
  redis.call('ZADD', KEYS[4], 'GT', ver, ARGV[5])
end
if channel then publish_state(meta, ARGV[7], ARGV[5]) end
return {seq, ver}
