-- Offer one specific contact to an agent, or say why not (the API answers 409).
-- ARGV: prefix, contact, agent, now. Returns {status} or {"offered", entry}.
local cid, agent, now = ARGV[2], ARGV[3], ARGV[4]
local refused = untakeable(cid, agent, now) or no_text_slot(cid, agent)
if refused then return {refused} end
return {"offered", offer(cid, agent, now, false)}
