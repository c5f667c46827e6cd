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

-- Waiting -> offered to `agent`: the only way out of a queue other than removal. The
-- offered index keeps it findable, so an unanswered offer can always be returned.
local function offer(cid, agent, now)
  local ck = key(CONTACT_KEY, cid)
  local place = redis.call("HMGET", ck, "queue", "member", "res_agent")
  unwait(cid, place[1], place[2], place[3])
  -- A sticky hold ends with the offer: if this agent misses it, the pool widens.
  if place[3] then redis.call("HDEL", ck, "res_agent", "res_until") end
  redis.call("HSET", ck, "state", "offered", "agent", agent, "offered_at", now)
  redis.call("ZADD", key(OFFERED_KEY), now, cid)
  return entry(cid)
end

-- Set an agent's presence, keeping the per-state sets, the per-queue sets of logged-in
-- agents and the heartbeat index in step. `queues_json` false keeps the current queues.
local function set_presence(agent, state, now, queues_json)
  local ak = key(AGENT_KEY, agent)
  local old = redis.call("HMGET", ak, "state", "queues")
  local old_state = old[1] or "offline"
  queues_json = queues_json or old[2] or "[]"
  for _, q in ipairs(cjson.decode(old[2] or "[]")) do
    redis.call("SREM", key(QUEUE_AGENTS_KEY, q), agent)
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
  return redis.call("HGETALL", ak)
end
