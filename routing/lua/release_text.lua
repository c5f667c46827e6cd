-- The agent closed an SMS conversation they held: one text fewer, never below none.
-- ARGV: prefix, agent. Returns the texts the agent still holds.
local ak = key(AGENT_KEY, ARGV[2])
local held = tonumber(redis.call("HGET", ak, "texts") or "0")
if held <= 1 then
  redis.call("HDEL", ak, "texts")
  return 0
end
return redis.call("HINCRBY", ak, "texts", -1)
