-- A waiting contact's 1-based place in priority order and the queue's length, read
-- together so they agree. ARGV: prefix, contact. Returns {position, waiting} or nil.
local f = redis.call("HMGET", key(CONTACT_KEY, ARGV[2]), "state", "queue", "member")
if f[1] ~= "waiting" then return nil end
local waiting = key(WAITING_KEY, f[2])
return {redis.call("ZRANK", waiting, f[3]) + 1, redis.call("ZCARD", waiting)}
