-- The agent declines their pending offer: the contact goes back to its place and is not
-- offered to this agent again while it waits in this queue.
-- ARGV: prefix, contact, agent, now. Returns 1, or 0 if it was not their pending offer.
local cid, agent = ARGV[2], ARGV[3]
if pending_offer(agent) ~= cid then return 0 end
local ck = key(CONTACT_KEY, cid)
local declined = cjson.decode(redis.call("HGET", ck, "declined") or "[]")
declined[#declined + 1] = agent
redis.call("HSET", ck, "declined", cjson.encode(declined))
put_back(cid, ARGV[4])
return 1
