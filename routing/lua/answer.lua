-- The agent answered the contact offered to them: count it (speed of answer from the
-- arrival, within the service-level threshold or not) and leave a tombstone.
-- ARGV: prefix, contact, agent, now, threshold seconds. Returns {speed, entry} or nil.
local cid, agent, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local ck = key(CONTACT_KEY, cid)
local f = redis.call("HMGET", ck, "state", "queue", "arrival", "agent")
if f[1] ~= "offered" or f[4] ~= agent then return nil end
local speed = math.max(0, now - tonumber(f[3]))
unoffer(cid)
release(cid, agent)
redis.call("HSET", ck, "state", "answered")
redis.call("EXPIRE", ck, TOMBSTONE_SECONDS)
count(f[2], ARGV[4], "answered")
count(f[2], ARGV[4], "speed_of_answer_total", speed)
if speed <= tonumber(ARGV[5]) then count(f[2], ARGV[4], "answered_within") end
return {string.format("%.17g", speed), entry(cid)}
