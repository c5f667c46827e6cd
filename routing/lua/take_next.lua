-- Offer an agent the best contact across its queues: higher score first, then earlier
-- arrival, then contact id (the sorted set holds -score, its member starts with the
-- arrival), skipping contacts reserved for another agent until their reservation ends.
-- ARGV: prefix, agent, now, queue... Returns the entry or nil.
local agent, now = ARGV[2], ARGV[3]

-- The first contact of `queue` this agent may take: {member, -score, contact} or nil.
-- Only reserved contacts are skipped, so at most (reservations + 1) are looked at.
local function head(queue)
  local waiting, reserved = key(WAITING_KEY, queue), key(RESERVED_KEY, queue)
  local holds = redis.call("ZCARD", reserved)
  if holds > 0 then  -- drop ended reservations first
    redis.call("ZREMRANGEBYSCORE", reserved, "-inf", now)
    holds = redis.call("ZCARD", reserved)
  end
  local size, start = (holds == 0) and 1 or 32, 0
  while true do
    local page = redis.call("ZRANGE", waiting, start, start + size - 1, "WITHSCORES")
    if #page == 0 then return nil end
    for i = 1, #page, 2 do
      local cid = string.sub(page[i], ORDER_WIDTH + 2)
      if holds == 0 or not redis.call("ZSCORE", reserved, cid)
          or redis.call("HGET", key(CONTACT_KEY, cid), "res_agent") == agent then
        return {page[i], tonumber(page[i + 1]), cid}
      end
    end
    start = start + size
  end
end

local best
for i = 4, #ARGV do
  local c = head(ARGV[i])
  if c and (not best or c[2] < best[2] or (c[2] == best[2] and c[1] < best[1])) then
    best = c
  end
end
if not best then return nil end
return offer(best[3], agent, now)
