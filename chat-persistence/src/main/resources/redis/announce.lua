-- Tells a conversation's followers and staff inboxes of log entries already stored (after
-- an append that left it to the caller, e.g. until replicas held the message).
-- KEYS: meta, log
-- ARGV: from seq, to seq, conversation id, conversation channel, inbox channel
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local entries = redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', ARGV[2] .. '-0')
for _, entry in ipairs(entries) do
  local seq = tonumber(string.sub(entry[1], 1, string.find(entry[1], '-', 1, true) - 1))
  publish_entry(ARGV[4], ARGV[3], seq, entry[2])
end
-- Readers may now read up to here: everything written before these entries is held by
-- the replicas too (replication keeps Redis' order of writes).
local pub = tonumber(redis.call('HGET', KEYS[1], 'pub') or '0')
if tonumber(ARGV[2]) > pub then redis.call('HSET', KEYS[1], 'pub', ARGV[2]) end
publish_state(KEYS[1], ARGV[5], ARGV[3])
return #entries
