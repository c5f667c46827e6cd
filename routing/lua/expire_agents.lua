-- Set offline every agent whose heartbeat stopped (as of when it expired).
-- ARGV: prefix, now, timeout. Returns the ids of the agents set offline.
local timeout = tonumber(ARGV[3])
local stale = redis.call("ZRANGEBYSCORE", key(SEEN_KEY), "-inf",
  tonumber(ARGV[2]) - timeout, "WITHSCORES")
local gone = {}
for i = 1, #stale, 2 do
  set_presence(stale[i], "offline", tonumber(stale[i + 1]) + timeout, false)
  gone[#gone + 1] = stale[i]
end
return gone
