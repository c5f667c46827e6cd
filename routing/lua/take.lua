-- Offer one specific contact to an agent, or say why not (the API answers 409).
-- ARGV: prefix, contact, agent, now. Returns {status} or {"offered", entry}.
local cid, agent, now = ARGV[2], ARGV[3], ARGV[4]
local f = redis.call("HMGET", key(CONTACT_KEY, cid), "state", "queue", "res_agent")
if not f[1] then return {"not_found"} end
if f[1] == "offered" or f[1] == "answered" then return {"taken"} end
if f[1] ~= "waiting" then return {"gone"} end
local until_ = redis.call("ZSCORE", key(RESERVED_KEY, f[2]), cid)
if until_ and tonumber(until_) > tonumber(now) and f[3] ~= agent then
  return {"reserved"}
end
return {"offered", offer(cid, agent, now)}
