-- The agent accepts: their pending offer, else the contact named, else the best waiting in
-- their queues (the pull fallback). In the same step the offer stops being pending (no
-- sweep takes it back) and the agent becomes busy: nothing else is offered to them (a
-- text only counts one more held: the agent stays available).
-- ARGV: prefix, agent, now, contact ("" = none named), trace JSON, queue...
-- Returns {status} or {"accepted", entry}.
local agent, now, named = ARGV[2], ARGV[3], ARGV[4]
if redis.call("HGET", key(AGENT_KEY, agent), "state") ~= "available" then
  return {"unavailable"}
end
local cid = pending_offer(agent)
if cid and named ~= "" and named ~= cid then return {"holding"} end
if not cid then
  if named ~= "" then
    local refused = untakeable(named, agent, now)
    if refused then return {refused} end
    cid = named
  else
    cid = best_for(agent, now, 6)
    if not cid then return {"empty"} end
  end
  local full = no_text_slot(cid, agent)
  if full then return {full} end
  offer(cid, agent, now, ARGV[5])
end
unoffer(cid)
redis.call("HSET", key(CONTACT_KEY, cid), "accepted_at", now)
release(cid, agent)
if string.sub(cid, 1, #SMS_PREFIX) == SMS_PREFIX then
  -- A text takes no voice line: the agent stays available, holding one more text.
  redis.call("HINCRBY", key(AGENT_KEY, agent), "texts", 1)
else
  set_presence(agent, "busy", now, false)
end
return {"accepted", entry(cid)}
