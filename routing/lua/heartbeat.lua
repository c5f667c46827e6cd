-- Keep a logged-in agent alive. An agent whose last heartbeat is older than the timeout
-- is set offline (as of when it expired) and must log in again.
-- ARGV: prefix, agent, now, timeout. Returns 1 alive, 0 offline.
local agent, now, timeout = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local seen = redis.call("ZSCORE", key(SEEN_KEY), agent)
if not seen then return 0 end
if tonumber(seen) <= now - timeout then
  set_presence(agent, "offline", tonumber(seen) + timeout, false)
  return 0
end
redis.call("ZADD", key(SEEN_KEY), ARGV[3], agent)
redis.call("HSET", key(AGENT_KEY, agent), "seen", ARGV[3])
index_agent(agent)
return 1
