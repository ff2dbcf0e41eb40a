-- Stops listing conversations for the archive, each only if nothing changed after its
-- archived version: any change raised its score above it.
-- KEYS: the archive queue shard they are listed in
-- ARGV: conversation id and archived version, in pairs
-- Returns how many were unlisted.
local removed = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[i + 1]) then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
