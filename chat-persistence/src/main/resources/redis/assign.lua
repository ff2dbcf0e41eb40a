-- Sets (or with an empty value clears) one field of a conversation's state that the archive
-- keeps too (customer, assignee), and tells staff.
-- KEYS: meta, and on a single Redis also the archive queue shard it is listed in
--       (on a cluster that lives in another slot: the caller lists it after the script)
-- ARGV: field, value, conversation id, inbox channel
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return -1 end
if ARGV[2] == '' then
  redis.call('HDEL', meta, ARGV[1])
else
  redis.call('HSET', meta, ARGV[1], ARGV[2])
end
local ver = redis.call('HINCRBY', meta, 'ver', 1)
if KEYS[2] then redis.call('ZADD', KEYS[2], 'GT', ver, ARGV[3]) end
publish_state(meta, ARGV[4], ARGV[3])
return ver
