"""Rate limits on what the bot texts back: per texting number and to all numbers.

Moving windows in Redis, kept as ``limits`` keeps them (a list per window of the last
replies' times, newest first, under the same keys), shared by every web process. All of
a reply's windows are checked and counted by one Lua script: one round trip per reply,
and atomic (two processes cannot both take a window's last place). A text over a limit
is still recorded and routed; only the automatic reply is held back, so a flood (or a
loop with another bot) costs us nothing.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import current_app
from limits import RateLimitItem, parse_many

KEY_PREFIX = "helpline:sms_replies"
EXTENSION = "texting.reply_limits"

# KEYS: one list per window. ARGV: now, then each window's size and seconds. Allowed (1)
# only if every window has a free place; then the reply is counted in every window.
TAKE = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
    local oldest = redis.call('lindex', key, tonumber(ARGV[2 * i]) - 1)
    if oldest and tonumber(oldest) >= now - tonumber(ARGV[2 * i + 1]) then
        return 0
    end
end
for i, key in ipairs(KEYS) do
    redis.call('lpush', key, ARGV[1])
    redis.call('ltrim', key, 0, tonumber(ARGV[2 * i]) - 1)
    redis.call('expire', key, tonumber(ARGV[2 * i + 1]))
end
return 1
"""


class ReplyLimits:
    """Replies per number and in all, counted in the app's Redis."""

    def __init__(self, client: Any, per_number: str, overall: str) -> None:
        self.take_script = client.register_script(TAKE)
        self.per_number = tuple(parse_many(per_number))
        self.overall = tuple(parse_many(overall))

    def take(self, phone: str, now: float | None = None) -> bool:
        """Count one reply to ``phone`` if every limit allows it; False (nothing counted) if not."""
        windows = self._windows(phone)
        sizes: list[float] = [time.time() if now is None else now]
        for limit, _key in windows:
            sizes += [limit.amount, limit.get_expiry()]
        keys = [f"{KEY_PREFIX}:{limit.key_for(key)}" for limit, key in windows]
        return bool(self.take_script(keys=keys, args=sizes))

    def _windows(self, phone: str) -> list[tuple[RateLimitItem, str]]:
        number = hashlib.sha256(phone.encode("utf-8", "replace")).hexdigest()[:32]
        return [(limit, f"number:{number}") for limit in self.per_number] + [
            (limit, "all") for limit in self.overall
        ]


def reply_limits() -> ReplyLimits:
    """The app's reply limits, made on first use."""
    app = current_app
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = ReplyLimits(
            app.extensions["redis"],
            app.config["SMS_REPLY_LIMIT_PER_NUMBER"],
            app.config["SMS_REPLY_LIMIT_GLOBAL"],
        )
        app.extensions[EXTENSION] = found
    return found


def may_reply(phone: str) -> bool:
    """Whether the bot may text ``phone`` now (and count it if so)."""
    return reply_limits().take(phone)
