-- Helpers shared by every script of a live conversation (prepended to each). The schema of
-- a log entry and of a conversation's state is written down once here, as the stream fields
-- and the meta hash fields, and the events published carry the same names
-- (LiveSchema reads them on the Java side):
--   entry:  k (MESSAGE | CLOSED | REOPENED), c (client id), sk (sender kind), si (sender id),
--           b (body), at (epoch millis), a (a message's files as JSON, AttachmentJson; absent
--           for none)
--   event on the conversation's channel:  {t = 'e', id, seq, <entry fields>}
--                                      or {t = 'r', id, side, seq, site}   (read marker)
--   event on the inbox channel:           {t = 's', id, m = {<meta hash>}}  (state)
--                                      or {t = 'r', id, side, seq, site}
--   meta field pub: the last sequence followers were told of. Readers of the log never
--           read past it, so an entry whose announcement waits (for replicas to hold it,
--           porchlight.live.replica-acks) is not read before it is announced either.

local function hash_table(flat)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Tells a conversation's followers of one log entry.
local function publish_entry(channel, id, seq, fields)
  local event = hash_table(fields)
  event.t = 'e'
  event.id = id
  event.seq = seq
  redis.call('PUBLISH', channel, cjson.encode(event))
end

-- Appends one entry to the log with the next sequence and, given a channel, tells the
-- conversation's followers. fields: flat list of the entry's fields.
local function add_entry(meta, log, channel, id, fields)
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('XADD', log, seq .. '-0', unpack(fields))
  if channel then
    publish_entry(channel, id, seq, fields)
    redis.call('HSET', meta, 'pub', seq)
  end
  return seq
end

-- As add_entry, for a script holding the meta hash as a table (state, from HGETALL, every
-- value a string as Redis keeps it): the sequence is taken from the table and written back
-- into it (seq, and pub once followers were told), and the script writes the fields it
-- changed in one HSET.
local function add_entry_to(state, log, channel, id, fields)
  local seq = (tonumber(state.seq) or 0) + 1
  state.seq = tostring(seq)
  redis.call('XADD', log, seq .. '-0', unpack(fields))
  if channel then
    publish_entry(channel, id, seq, fields)
    state.pub = state.seq
  end
  return seq
end

-- Tells every node holding staff sockets what the conversation looks like: state is the
-- meta hash as a table, as it is now.
local function publish_state_of(state, inbox_channel, id)
  redis.call('PUBLISH', inbox_channel, cjson.encode({t = 's', id = id, m = state}))
end

-- Tells every node holding staff sockets what the conversation looks like now.
local function publish_state(meta, inbox_channel, id)
  publish_state_of(hash_table(redis.call('HGETALL', meta)), inbox_channel, id)
end
