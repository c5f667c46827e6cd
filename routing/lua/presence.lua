-- Set an agent's presence state (and queues served, if given); counts as a heartbeat.
-- ARGV: prefix, agent, state, now, queues JSON ("" = keep). Returns the agent hash.
return set_presence(ARGV[2], ARGV[3], ARGV[4], ARGV[5] ~= "" and ARGV[5])
