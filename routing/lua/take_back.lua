-- Take back a pending offer made at or before a time (a missed offer, or the agent left):
-- the contact goes back to its place and the agent, if still available, is set to the
-- given state (away). Idempotent: only the first of two sweepers finds it pending.
-- ARGV: prefix, contact, agent, now, offered at or before, state ("" = leave it).
-- Returns 1, or 0 if it was not such an offer.
local cid, agent, now = ARGV[2], ARGV[3], ARGV[4]
local f = redis.call("HMGET", key(CONTACT_KEY, cid), "state", "agent", "offered_at",
  "accepted_at")
if f[1] ~= "offered" or f[2] ~= agent or f[4] or tonumber(f[3]) > tonumber(ARGV[5]) then
  return 0
end
put_back(cid, now)
if ARGV[6] ~= "" and redis.call("HGET", key(AGENT_KEY, agent), "state") == "available" then
  set_presence(agent, ARGV[6], now, false)
end
return 1
