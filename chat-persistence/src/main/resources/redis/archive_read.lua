-- A conversation as the archive needs it, in one atomic step: its state (the meta hash,
-- whose version then covers exactly the entries returned) and its log entries after a
-- sequence. Nothing when the conversation is gone.
-- KEYS: meta, log
-- ARGV: after seq, count
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
return {redis.call('HGETALL', KEYS[1]),
        redis.call('XRANGE', KEYS[2], (tonumber(ARGV[1]) + 1) .. '-0', '+', 'COUNT', ARGV[2])}
