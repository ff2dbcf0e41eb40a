-- Appends a message: de-duplication, rate limit, reopening, sequence, state, unread counter,
-- archive version and the events, in one step.
-- KEYS: meta, log, dedup, and on a single Redis also the sender's rate-limit counter,
--       inbox, archive list, the shared (site) rate-limit counter, the sender's address's
--       rate-limit counter
--       (on a cluster those live in other slots: the caller does them around the script)
-- ARGV: client id, sender kind, sender id, body, at, preview, conversation id,
--       conversation channel, inbox channel, sender's rate-limit permits (0: none),
--       its window millis, announce ('1': publish the events now; '0': the caller
--       announces them later), shared rate-limit permits (0: none), its window millis,
--       the message's files as JSON ('': none; AttachmentJson), the message's field in the
--       dedup hash (LiveSchema.dedupField), the address's rate-limit permits (0: none), its
--       window millis
-- The conversation's state is read once, changed in a table and written back in one HSET:
-- every Redis command a script calls costs time and, for a write, a line in the
-- append-only file and on every replica.
local meta, log, dedup = KEYS[1], KEYS[2], KEYS[3]
local state = hash_table(redis.call('HGETALL', meta))
if next(state) == nil then return {-1} end
local dedup_key = ARGV[16]
local existing = redis.call('HGET', dedup, dedup_key)
if existing then
  local colon = string.find(existing, ':', 1, true)
  if colon then
    return {0, tonumber(string.sub(existing, 1, colon - 1)), tonumber(string.sub(existing, colon + 1))}
  end
  -- Written before the time was kept beside the sequence: the time is in the log.
  local seq = tonumber(existing)
  local found = redis.call('XRANGE', log, seq .. '-0', seq .. '-0')
  local at = 0
  if found[1] then at = tonumber(hash_table(found[1][2]).at) end
  return {0, seq, at}
end
-- Counts the message against a fixed-window limit: nil within it, else the millis left.
-- The window starts with its first count (in this script, so never without its expiry);
-- a counter found over the limit without one (written by anything else) gets one then.
local function over_limit(key, permits, window)
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, window) end
  if count <= tonumber(permits) then return nil end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = tonumber(window)
  end
  return ttl
end
if KEYS[4] and tonumber(ARGV[10]) > 0 then
  local ttl = over_limit(KEYS[4], ARGV[10], ARGV[11])
  if ttl then return {-2, ttl} end
end
-- Then the sender's address (every visitor behind it, on any site), then the site's: a
-- visitor refused for flooding, alone or with others of their address, takes nothing
-- from what every visitor of the site shares.
if KEYS[8] and tonumber(ARGV[17]) > 0 then
  local ttl = over_limit(KEYS[8], ARGV[17], ARGV[18])
  if ttl then return {-2, ttl} end
end
if KEYS[7] and tonumber(ARGV[13]) > 0 then
  local ttl = over_limit(KEYS[7], ARGV[13], ARGV[14])
  if ttl then return {-2, ttl} end
end
-- (not `cond and nil or x`: in Lua that is always x)
local channel = ARGV[8]
if ARGV[12] == '0' then channel = nil end
local reopened = 0
if state.status == 'CLOSED' then
  reopened = add_entry_to(state, log, channel, ARGV[7], {'k', 'REOPENED', 'sk', ARGV[2], 'si', ARGV[3], 'at', ARGV[5]})
  state.status = 'OPEN'
  state.closedAt = nil
  redis.call('HDEL', meta, 'closedAt')
end
local fields = {'k', 'MESSAGE', 'c', ARGV[1], 'sk', ARGV[2], 'si', ARGV[3], 'b', ARGV[4], 'at', ARGV[5]}
if ARGV[15] and ARGV[15] ~= '' then
  fields[#fields + 1] = 'a'
  fields[#fields + 1] = ARGV[15]
end
local seq = add_entry_to(state, log, channel, ARGV[7], fields)
redis.call('HSET', dedup, dedup_key, seq .. ':' .. ARGV[5])
local unread = (ARGV[2] == 'VISITOR') and 'unreadStaff' or 'unreadVisitor'
local ver = (tonumber(state.ver) or 0) + 1
state.lastActivity, state.preview, state.lastSender = ARGV[5], ARGV[6], ARGV[2]
state[unread] = tostring((tonumber(state[unread]) or 0) + 1)
state.ver = tostring(ver)
local write = {'seq', state.seq, 'lastActivity', state.lastActivity, 'preview', state.preview,
               'lastSender', state.lastSender, unread, state[unread], 'ver', state.ver}
if state.pub then
  write[#write + 1] = 'pub'
  write[#write + 1] = state.pub
end
if reopened > 0 then
  write[#write + 1] = 'status'
  write[#write + 1] = state.status
end
redis.call('HSET', meta, unpack(write))
if KEYS[5] then
  redis.call('ZADD', KEYS[5], 'GT', ARGV[5], ARGV[7])
  redis.call('ZADD', KEYS[6], 'GT', ver, ARGV[7])
end
if channel then publish_state_of(state, ARGV[9], ARGV[7]) end
return {1, seq, tonumber(ARGV[5]), reopened, ver}
