-- Waiting entries of a queue in priority order, one page, read in one consistent step.
-- ARGV: prefix, queue, offset, limit. Returns a list of entries.
local first = tonumber(ARGV[3])
local members = redis.call("ZRANGE", key(WAITING_KEY, ARGV[2]),
  first, first + tonumber(ARGV[4]) - 1)
local entries = {}
for i, member in ipairs(members) do
  entries[i] = entry(string.sub(member, ORDER_WIDTH + 2))
end
return entries
