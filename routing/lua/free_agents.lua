-- Who routing may offer a contact of these queues to now, in one round trip: agents
-- serving one of the queues, available, alive (heartbeat within the timeout) and with no
-- offer pending; then the named extra agents (a caller's last agent, for sticky routing)
-- if logged in, whatever their state. ARGV: prefix, now, timeout, queue count, queues...,
-- extra agents... Returns each agent's presence hash (HGETALL), free agents first.
local oldest, nqueues = tonumber(ARGV[2]) - tonumber(ARGV[3]), tonumber(ARGV[4])
local sets = {}
for i = 5, 4 + nqueues do sets[#sets + 1] = key(QUEUE_AGENTS_KEY, ARGV[i]) end
local found, seen = {}, {}
if #sets > 0 then
  for _, agent in ipairs(redis.call("SUNION", unpack(sets))) do
    if alive(agent, oldest) and not occupied(agent) then
      found[#found + 1] = redis.call("HGETALL", key(AGENT_KEY, agent))
      seen[agent] = true
    end
  end
end
for i = 5 + nqueues, #ARGV do
  local agent = ARGV[i]
  if not seen[agent] and redis.call("ZSCORE", key(SEEN_KEY), agent) then
    found[#found + 1] = redis.call("HGETALL", key(AGENT_KEY, agent))
    seen[agent] = true
  end
end
return found
