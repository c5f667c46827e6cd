-- Shared helpers, prepended to every script after the key constants generated from
-- routing/redis_store.py. ARGV[1] is always the key prefix; scripts read ARGV[2..].
-- Keys are derived here from the prefix because some depend on stored data (the queue
-- of a contact), so the store targets one Redis (standalone or Sentinel), not Cluster.

local PREFIX = ARGV[1]

local function key(template, ...)
  return PREFIX .. string.format(template, ...)
end

-- A contact as the store returns it: the ENTRY_FIELDS values in order (false if unset).
local function entry(cid)
  return redis.call("HMGET", key(CONTACT_KEY, cid), unpack(ENTRY_FIELDS))
end

-- Count one event (or add `seconds` to a total) in the queue's stats bucket for the
-- epoch hour of `now`. Buckets expire on their own once out of the window: no reset job.
-- The expiry is set when a counter starts, which is within the bucket's own hour.
local function count(queue, now, field, seconds)
  local bucket = key(STATS_KEY, queue, string.format("%d", math.floor(tonumber(now) / 3600)))
  if seconds then
    redis.call("HINCRBYFLOAT", bucket, field, seconds)
  elseif redis.call("HINCRBY", bucket, field, 1) == 1 then
    redis.call("EXPIRE", bucket, STATS_SECONDS)
  end
end

-- Take a waiting contact out of its queue's indexes (order, arrivals, reservations).
local function unwait(cid, queue, member, reserved)
  redis.call("ZREM", key(WAITING_KEY, queue), member)
  redis.call("ZREM", key(ARRIVALS_KEY, queue), cid)
  if reserved then redis.call("ZREM", key(RESERVED_KEY, queue), cid) end
end

-- Whether `agent` sent a heartbeat at or after `oldest` (one not yet set offline may be silent).
local function alive(agent, oldest)
  local beat = tonumber(redis.call("ZSCORE", key(SEEN_KEY), agent))
  return beat ~= nil and beat >= oldest
end

-- The contact offered to `agent` and not accepted yet, or nil. The agent hash names it,
-- the contact's own fields decide: a stale name never blocks the agent.
local function pending_offer(agent)
  local cid = redis.call("HGET", key(AGENT_KEY, agent), "offer")
  if not cid then return nil end
  local f = redis.call("HMGET", key(CONTACT_KEY, cid), "state", "agent", "accepted_at")
  if f[1] == "offered" and f[2] == agent and not f[3] then return cid end
  return nil
end

-- Why `agent` may not be offered a contact now ("unavailable", "holding"), or nil.
local function occupied(agent)
  if redis.call("HGET", key(AGENT_KEY, agent), "state") ~= "available" then
    return "unavailable"
  end
  if pending_offer(agent) then return "holding" end
  return nil
end

-- An agent's place in the per-queue indexes routing reads for every caller, so that no
-- script walks all of a queue's agents: "working" (available, busy or wrapping up, scored
-- by the last heartbeat) and "ready" (available with no offer pending). Derived from the
-- agent's own fields; every script that changes them calls this, and each heartbeat
-- redoes it, so an index that went wrong heals within a heartbeat.
local WORKING = {available = true, busy = true, wrap_up = true}
local function index_agent(agent)
  local f = redis.call("HMGET", key(AGENT_KEY, agent), "state", "queues", "seen")
  local working = f[1] and WORKING[f[1]] and f[3]
  local ready = f[1] == "available" and not pending_offer(agent)
  for _, q in ipairs(cjson.decode(f[2] or "[]")) do
    if working then
      redis.call("ZADD", key(QUEUE_WORKING_KEY, q), f[3], agent)
    else
      redis.call("ZREM", key(QUEUE_WORKING_KEY, q), agent)
    end
    if ready then
      redis.call("SADD", key(QUEUE_READY_KEY, q), agent)
    else
      redis.call("SREM", key(QUEUE_READY_KEY, q), agent)
    end
  end
end

-- Who may be offered a contact of `queues` now: agents serving one of them, available,
-- alive (heartbeat at or after `oldest`) and with no offer pending; then the `extra`
-- agents (a caller's last agent, for sticky routing) if logged in, whatever their state.
-- Each agent's presence hash (HGETALL), free agents first.
local function free_agents(queues, extra, oldest)
  local sets, found, seen = {}, {}, {}
  for _, q in ipairs(queues) do sets[#sets + 1] = key(QUEUE_READY_KEY, q) end
  if #sets > 0 then
    -- The ready index names the candidates; each agent's own fields decide.
    for _, agent in ipairs(redis.call("SUNION", unpack(sets))) do
      if not alive(agent, oldest) then  -- silent: expire_agents will set them offline
      elseif occupied(agent) then
        index_agent(agent)  -- the index was behind: mend it
      else
        found[#found + 1] = redis.call("HGETALL", key(AGENT_KEY, agent))
        seen[agent] = true
      end
    end
  end
  for _, agent in ipairs(extra) do
    if not seen[agent] and redis.call("ZSCORE", key(SEEN_KEY), agent) then
      found[#found + 1] = redis.call("HGETALL", key(AGENT_KEY, agent))
      seen[agent] = true
    end
  end
  return found
end

-- Waiting -> offered to `agent`: the only way out of a queue other than removal. The
-- offered index keeps a pending offer findable, so it can always be taken back. The agent
-- (if logged in) notes it as their pending offer; `trace` (JSON) says why them.
local function offer(cid, agent, now, trace)
  local ck = key(CONTACT_KEY, cid)
  local place = redis.call("HMGET", ck, "queue", "member", "res_agent", "arrival")
  unwait(cid, place[1], place[2], place[3])
  -- A sticky hold ends with the offer: if this agent misses it, the pool widens.
  if place[3] then redis.call("HDEL", ck, "res_agent", "res_until") end
  redis.call("HSET", ck, "state", "offered", "agent", agent, "offered_at", now)
  if trace and trace ~= "" then redis.call("HSET", ck, "offer_trace", trace) end
  redis.call("ZADD", key(OFFERED_KEY), now, cid)
  -- Still waiting for the caller until answered: the queue's figures count it.
  redis.call("ZADD", key(QUEUE_OFFERED_KEY, place[1]), place[4], cid)
  local ak = key(AGENT_KEY, agent)
  if redis.call("EXISTS", ak) == 1 then
    redis.call("HSET", ak, "offer", cid)
    index_agent(agent)
  end
  return entry(cid)
end

-- A pending offer ends (accepted, answered, put back, removed): out of both offer indexes.
local function unoffer(cid)
  redis.call("ZREM", key(OFFERED_KEY), cid)
  local queue = redis.call("HGET", key(CONTACT_KEY, cid), "queue")
  if queue then redis.call("ZREM", key(QUEUE_OFFERED_KEY, queue), cid) end
end

-- Why `cid` cannot be offered to `agent` now ("taken", "reserved"...), or nil if it can.
local function untakeable(cid, agent, now)
  local f = redis.call("HMGET", key(CONTACT_KEY, cid), "state", "queue", "res_agent")
  if not f[1] then return "not_found" end
  if f[1] == "offered" or f[1] == "answered" then return "taken" end
  if f[1] ~= "waiting" then return "gone" end
  local until_ = redis.call("ZSCORE", key(RESERVED_KEY, f[2]), cid)
  if until_ and tonumber(until_) > tonumber(now) and f[3] ~= agent then return "reserved" end
  return nil
end

-- "full" when `cid` is a text and `agent` holds as many texts as they may, else nil:
-- checked in the same step as the offer, so two processes never give one agent one too many.
local function no_text_slot(cid, agent)
  if string.sub(cid, 1, #SMS_PREFIX) ~= SMS_PREFIX then return nil end
  local held = tonumber(redis.call("HGET", key(AGENT_KEY, agent), "texts") or "0")
  if held >= TEXT_CAPACITY then return "full" end
  return nil
end

-- The agent no longer has `cid` pending (accepted, answered, returned, removed).
local function release(cid, agent)
  if not agent then return end
  local ak = key(AGENT_KEY, agent)
  if redis.call("HGET", ak, "offer") == cid then
    redis.call("HDEL", ak, "offer")
    index_agent(agent)
  end
end

-- Offered -> waiting again, exactly where it was: same score, same order member, so it
-- waits in front of everyone who arrived after it with the same score.
local function put_back(cid, now)
  local ck = key(CONTACT_KEY, cid)
  local f = redis.call("HMGET", ck, "queue", "member", "score", "arrival", "agent")
  unoffer(cid)
  redis.call("ZADD", key(WAITING_KEY, f[1]), -tonumber(f[3]), f[2])
  redis.call("ZADD", key(ARRIVALS_KEY, f[1]), f[4], cid)
  release(cid, f[5])
  redis.call("HDEL", ck, "agent", "offered_at", "accepted_at", "offer_trace")
  redis.call("HSET", ck, "state", "waiting")
  count(f[1], now, "returned")
end

-- The first contact of `queue` this agent may take: {member, -score, contact} or nil.
-- Only reserved contacts are skipped, so at most (reservations + 1) are looked at.
local function head(queue, agent, now)
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

-- The best contact across `queues` (ARGV from index `first`) this agent may take: higher
-- score first, then earlier arrival, then contact id (the sorted set holds -score, its
-- member starts with the arrival), skipping contacts reserved for another agent.
local function best_for(agent, now, first)
  local best
  for i = first, #ARGV do
    local c = head(ARGV[i], agent, now)
    if c and (not best or c[2] < best[2] or (c[2] == best[2] and c[1] < best[1])) then
      best = c
    end
  end
  return best and best[3]
end

-- Set an agent's presence, keeping the per-state sets, the per-queue sets of logged-in
-- agents, the heartbeat index and the agent's indexes (index_agent) in step. `queues_json` false keeps the current queues.
local function set_presence(agent, state, now, queues_json)
  local ak = key(AGENT_KEY, agent)
  local old = redis.call("HMGET", ak, "state", "queues")
  local old_state = old[1] or "offline"
  queues_json = queues_json or old[2] or "[]"
  for _, q in ipairs(cjson.decode(old[2] or "[]")) do
    redis.call("SREM", key(QUEUE_AGENTS_KEY, q), agent)
    redis.call("ZREM", key(QUEUE_WORKING_KEY, q), agent)
    redis.call("SREM", key(QUEUE_READY_KEY, q), agent)
  end
  if state == "offline" then
    redis.call("ZREM", key(SEEN_KEY), agent)
  else
    for _, q in ipairs(cjson.decode(queues_json)) do
      redis.call("SADD", key(QUEUE_AGENTS_KEY, q), agent)
      redis.call("SADD", key(QUEUES_KEY), q)
    end
    redis.call("ZADD", key(SEEN_KEY), now, agent)
  end
  redis.call("SREM", key(AGENT_STATE_KEY, old_state), agent)
  redis.call("SADD", key(AGENT_STATE_KEY, state), agent)
  if state ~= old_state or not old[1] then redis.call("HSET", ak, "since", now) end
  if state ~= "available" then
    redis.call("HDEL", ak, "idle_since")
  elseif old_state ~= "available" then
    redis.call("HSET", ak, "idle_since", now)  -- longest idle = earliest idle_since
  end
  if state ~= "offline" or not old[1] then redis.call("HSET", ak, "seen", now) end
  redis.call("HSET", ak, "id", agent, "state", state, "queues", queues_json)
  index_agent(agent)
  return redis.call("HGETALL", ak)
end
