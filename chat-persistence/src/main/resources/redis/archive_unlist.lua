-- Stops listing a conversation for the archive, only if nothing changed after the archived
-- version: any change raised its score above it.
-- KEYS: the archive queue shard
-- ARGV: conversation id, archived version
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
