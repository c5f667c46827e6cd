-- How many agents serving a queue are at work (available, busy or wrapping up) with a live
-- heartbeat, in one round trip; an agent whose heartbeat stopped does not count even
-- before expire_agents sets them offline. ARGV: prefix, queue, now, timeout.
local oldest = tonumber(ARGV[3]) - tonumber(ARGV[4])
return redis.call("ZCOUNT", key(QUEUE_WORKING_KEY, ARGV[2]), oldest, "+inf")
