-- Take a waiting or offered contact out for a reason (abandoned, overflowed, cancelled),
-- count it under that reason and leave a tombstone so a late accept hears "gone".
-- ARGV: prefix, contact, reason, now. Returns the entry as it was, or nil if not live.
local cid, reason = ARGV[2], ARGV[3]
local ck = key(CONTACT_KEY, cid)
local f = redis.call("HMGET", ck, "state", "queue", "member", "res_agent")
if f[1] == "waiting" then
  unwait(cid, f[2], f[3], f[4])
elseif f[1] == "offered" then
  unoffer(cid)
  release(cid, redis.call("HGET", ck, "agent"))
else
  return nil
end
local was = entry(cid)
redis.call("HSET", ck, "state", reason)
redis.call("EXPIRE", ck, TOMBSTONE_SECONDS)
count(f[2], ARGV[4], reason)
return was
