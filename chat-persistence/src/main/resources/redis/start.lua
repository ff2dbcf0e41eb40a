-- Makes a new conversation known (nothing if it exists already) and tells staff.
-- KEYS: meta
-- ARGV: conversation id, inbox channel, then the state's fields and values
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 1 then return 0 end
redis.call('HSET', meta, unpack(ARGV, 3))
redis.call('HSET', meta, 'pub', 0)
publish_state(meta, ARGV[2], ARGV[1])
return 1
