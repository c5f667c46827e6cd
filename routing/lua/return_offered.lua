-- Put an offered contact (pending or accepted) back exactly where it was (see put_back).
-- ARGV: prefix, contact, agent ("" = whoever it was offered to), now. Returns 1 or 0.
local cid, agent = ARGV[2], ARGV[3]
local f = redis.call("HMGET", key(CONTACT_KEY, cid), "state", "agent")
if f[1] ~= "offered" or (agent ~= "" and f[2] ~= agent) then return 0 end
put_back(cid, ARGV[4])
return 1
