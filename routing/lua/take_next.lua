-- Offer an agent the best contact across its queues (see best_for), skipping contacts
-- reserved for another agent until their reservation ends.
-- ARGV: prefix, agent, now, queue... Returns the entry or nil.
local agent, now = ARGV[2], ARGV[3]
local cid = best_for(agent, now, 4)
if not cid or no_text_slot(cid, agent) then return nil end
return offer(cid, agent, now, false)
