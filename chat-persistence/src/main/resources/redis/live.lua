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

-- Tells every node holding staff sockets what the conversation looks like now.
local function publish_state(meta, inbox_channel, id)
  local state = {t = 's', id = id, m = hash_table(redis.call('HGETALL', meta))}
  redis.call('PUBLISH', inbox_channel, cjson.encode(state))
end
