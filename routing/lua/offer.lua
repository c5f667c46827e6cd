-- Push: offer a waiting contact to the agent routing chose, or say why not. The agent must
-- be available with no other offer pending (one voice contact at a time), so two processes
-- offering at once never offer one contact twice nor give one agent two offers (nor a
-- text beyond TEXT_CAPACITY).
-- ARGV: prefix, contact, agent, now, trace JSON. Returns {status} or {"offered", entry}.
local cid, agent, now = ARGV[2], ARGV[3], ARGV[4]
local refused = untakeable(cid, agent, now) or occupied(agent) or no_text_slot(cid, agent)
if refused then return {refused} end
return {"offered", offer(cid, agent, now, ARGV[5])}
