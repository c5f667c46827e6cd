-- Put a contact in a queue. Idempotent: a live contact keeps its score and arrival
-- unless ARGV[10] == "1" (replace), and an offered contact is never replaced.
-- ARGV: prefix, contact, queue, score, arrival, order member, payload JSON,
--       reserved agent ("" = none), reserved until, replace, now, oldest live heartbeat,
--       "1" = only into a queue with an agent at work (alive), "1" = return who may be
--       offered it now, extra agents for that (the caller's last agent)...
-- Returns {1, false, free...} when created, {0, entry, free...} when the live contact
-- was kept, {-1} when the queue has nobody at work; free: presence hashes (free_agents).
local cid, queue = ARGV[2], ARGV[3]
local ck = key(CONTACT_KEY, cid)
local old = redis.call("HMGET", ck, "state", "queue", "member", "res_agent")
local reply
if old[1] == "offered" or (old[1] == "waiting" and ARGV[10] ~= "1") then
  reply = {0, entry(cid)}
elseif ARGV[13] == "1"
    and redis.call("ZCOUNT", key(QUEUE_WORKING_KEY, queue), ARGV[12], "+inf") == 0 then
  return {-1}
else
  if old[1] == "waiting" then unwait(cid, old[2], old[3], old[4]) end
  if old[1] then redis.call("DEL", ck) end  -- a replaced entry or a tombstone (and its TTL)
  redis.call("HSET", ck, "id", cid, "queue", queue, "score", ARGV[4], "arrival", ARGV[5],
    "member", ARGV[6], "payload", ARGV[7], "state", "waiting")
  redis.call("ZADD", key(WAITING_KEY, queue), -tonumber(ARGV[4]), ARGV[6])
  redis.call("ZADD", key(ARRIVALS_KEY, queue), ARGV[5], cid)
  if ARGV[8] ~= "" then
    redis.call("HSET", ck, "res_agent", ARGV[8], "res_until", ARGV[9])
    redis.call("ZADD", key(RESERVED_KEY, queue), ARGV[9], cid)
  end
  redis.call("SADD", key(QUEUES_KEY), queue)
  if not (old[1] == "waiting" and old[2] == queue) then count(queue, ARGV[11], "entered") end
  reply = {1, false}
end
if ARGV[14] == "1" then
  local waits_in = reply[1] == 0 and old[2] or queue
  for _, row in ipairs(free_agents({waits_in}, {unpack(ARGV, 15)}, tonumber(ARGV[12]))) do
    reply[#reply + 1] = row
  end
end
return reply
