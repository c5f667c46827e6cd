"""Staff sessions kept in Redis, so that the server can end them.

The signed session cookie carries a random session id; Redis keeps a record for that id
with the user, when the session started and when it was last used. A cookie whose record
is gone (logged out, ended by a password change, idle too long, past its lifetime) logs
nobody in, even though its signature is still good: a copy made before log-out is worthless.
Each user has a set of their session ids, so all of them can be ended at once.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable

import redis

SESSION_KEY = "helpline:session:%s"  # HASH user, started, seen (epoch seconds)
USER_SESSIONS_KEY = "helpline:user:%s:sessions"  # SET the user's session ids

# Checks and renews a session in one step, so that a log-out between the check and the
# renewal cannot bring the record back. Returns 1 if the session is alive.
_TOUCH = """
local user, started, seen = unpack(redis.call('HMGET', KEYS[1], 'user', 'started', 'seen'))
if not user or user ~= ARGV[1] then return 0 end
local now, idle, lifetime = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
started, seen = tonumber(started), tonumber(seen)
if now - seen > idle or now - started > lifetime then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[5])
  return 0
end
redis.call('HSET', KEYS[1], 'seen', ARGV[2])
local left = math.min(idle, started + lifetime - now)
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(left * 1000)))
return 1
"""

# Ends one session, and takes it off its user's list.
_END = """
local user = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if user then redis.call('SREM', string.format(ARGV[1], user), ARGV[2]) end
return 1
"""

# Ends every session of a user: their records, then the set that listed them.
_END_ALL = """
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', string.format(ARGV[1], id))
end
return redis.call('DEL', KEYS[1])
"""


class SessionStore:
    """Session records in Redis: started at log-in, renewed on use, ended on demand."""

    def __init__(
        self,
        client: redis.Redis,
        idle: float,
        lifetime: float,
        clock: Callable[[], float] = time.time,
        keys: tuple[str, str] = (SESSION_KEY, USER_SESSIONS_KEY),
    ) -> None:
        self.client = client
        # Another kind of login (community members) keeps its records under other keys.
        self.session_key, self.user_sessions_key = keys
        self.idle = idle
        self.lifetime = lifetime
        self.clock = clock
        self._touch = client.register_script(_TOUCH)
        self._end = client.register_script(_END)
        self._end_all = client.register_script(_END_ALL)

    def start(self, user_id: int) -> str:
        """A new session for ``user_id``; returns its id (for the signed cookie)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        key = self.session_key % session_id
        index = self.user_sessions_key % user_id
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user": str(user_id), "started": now, "seen": now})
            pipe.pexpire(key, _millis(min(self.idle, self.lifetime)))
            pipe.sadd(index, session_id)
            # Outlives every session it lists: the newest ends within a lifetime from now.
            pipe.pexpire(index, _millis(self.lifetime))
            pipe.execute()
        return session_id

    def touch(self, session_id: str, user_id: int) -> bool:
        """Whether the session is alive for ``user_id``; if so, its idle time starts again."""
        keys = [self.session_key % session_id, self.user_sessions_key % user_id]
        args = [str(user_id), self.clock(), self.idle, self.lifetime, session_id]
        return bool(self._touch(keys=keys, args=args))

    def alive(self, session_id: str, user_id: int) -> bool:
        """Whether the session is alive for ``user_id``, without renewing it (a page that
        only watches, such as a live stream, does not count as use)."""
        user, started, seen = self.client.hmget(
            self.session_key % session_id, ["user", "started", "seen"]
        )
        if user is None or started is None or seen is None or int(user) != user_id:
            return False
        now = self.clock()
        return now - float(seen) <= self.idle and now - float(started) <= self.lifetime

    def end(self, session_id: str) -> None:
        """End one session (log-out)."""
        self._end(keys=[self.session_key % session_id], args=[self.user_sessions_key, session_id])

    def end_all(self, user_id: int) -> None:
        """End every session of ``user_id`` (a new password, a deactivated login)."""
        self._end_all(keys=[self.user_sessions_key % user_id], args=[self.session_key])


def _millis(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))
