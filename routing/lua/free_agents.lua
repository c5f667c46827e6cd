-- Who routing may offer a contact of these queues to now, in one round trip (see the
-- free_agents helper). ARGV: prefix, now, timeout, queue count, queues..., extra agents...
-- Returns each agent's presence hash (HGETALL), free agents first.
local oldest, nqueues = tonumber(ARGV[2]) - tonumber(ARGV[3]), tonumber(ARGV[4])
local queues, extra = {}, {}
for i = 5, 4 + nqueues do queues[#queues + 1] = ARGV[i] end
for i = 5 + nqueues, #ARGV do extra[#extra + 1] = ARGV[i] end
return free_agents(queues, extra, oldest)
