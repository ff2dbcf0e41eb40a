-- Moves one side's read marker forward (never back, never past the last entry), recounts
-- that side's unread messages from the log, and tells both sides.
-- KEYS: meta, log
-- ARGV: side (STAFF | VISITOR), seq, conversation id, conversation channel, inbox channel
local meta, log = KEYS[1], KEYS[2]
if redis.call('EXISTS', meta) == 0 then return -1 end
local field = (ARGV[1] == 'STAFF') and 'readStaff' or 'readVisitor'
local counter = (ARGV[1] == 'STAFF') and 'unreadStaff' or 'unreadVisitor'
local current = tonumber(redis.call('HGET', meta, field) or '0')
local last = tonumber(redis.call('HGET', meta, 'seq') or '0')
local seq = math.min(tonumber(ARGV[2]), last)
if seq <= current then return current end
redis.call('HSET', meta, field, seq)
local unread = 0
if seq < last then
  for _, entry in ipairs(redis.call('XRANGE', log, (seq + 1) .. '-0', '+')) do
    local fields = hash_table(entry[2])
    local counted
    if ARGV[1] == 'STAFF' then counted = (fields.sk == 'VISITOR') else counted = (fields.sk ~= 'VISITOR') end
    if fields.k == 'MESSAGE' and counted then unread = unread + 1 end
  end
end
redis.call('HSET', meta, counter, unread)
-- The site travels with the marker, so only staff who serve it hear of it.
local site = redis.call('HGET', meta, 'site') or nil
local event = cjson.encode({t = 'r', id = ARGV[3], side = ARGV[1], seq = seq, site = site})
redis.call('PUBLISH', ARGV[4], event)
redis.call('PUBLISH', ARGV[5], event)
publish_state(meta, ARGV[5], ARGV[3])
return seq
