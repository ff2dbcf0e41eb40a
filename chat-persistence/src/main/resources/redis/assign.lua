-- Sets (or with an empty value clears) one field of a conversation's state that the archive
-- keeps too (customer, assignee), and tells staff.
-- KEYS: meta
-- ARGV: field, value, conversation id, inbox channel
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then return -1 end
if ARGV[2] == '' then
  redis.call('HDEL', meta, ARGV[1])
else
  redis.call('HSET', meta, ARGV[1], ARGV[2])
end
local ver = redis.call('HINCRBY', meta, 'ver', 1)
publish_state(meta, ARGV[4], ARGV[3])
return ver
