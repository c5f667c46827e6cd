-- How many agents serving a queue are at work (available, busy or wrapping up) with a live
-- heartbeat, in one round trip; an agent whose heartbeat stopped does not count even
-- before expire_agents sets them offline. ARGV: prefix, queue, now, timeout.
local oldest = tonumber(ARGV[3]) - tonumber(ARGV[4])
local working = {available = true, busy = true, wrap_up = true}
local count = 0
for _, agent in ipairs(redis.call("SMEMBERS", key(QUEUE_AGENTS_KEY, ARGV[2]))) do
  if alive(agent, oldest) and working[redis.call("HGET", key(AGENT_KEY, agent), "state")] then
    count = count + 1
  end
end
return count
