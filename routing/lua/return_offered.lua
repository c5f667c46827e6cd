-- Put an offered contact back exactly where it was: same score, same order member, so
-- it waits in front of everyone who arrived after it with the same score.
-- ARGV: prefix, contact, agent ("" = whoever it was offered to), now. Returns 1 or 0.
local cid, agent = ARGV[2], ARGV[3]
local ck = key(CONTACT_KEY, cid)
local f = redis.call("HMGET", ck, "state", "queue", "member", "score", "arrival", "agent")
if f[1] ~= "offered" or (agent ~= "" and f[6] ~= agent) then return 0 end
redis.call("ZREM", key(OFFERED_KEY), cid)
redis.call("ZADD", key(WAITING_KEY, f[2]), -tonumber(f[4]), f[3])
redis.call("ZADD", key(ARRIVALS_KEY, f[2]), f[5], cid)
redis.call("HDEL", ck, "agent", "offered_at")
redis.call("HSET", ck, "state", "waiting")
count(f[2], ARGV[4], "returned")
return 1
