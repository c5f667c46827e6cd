"""Rate limits on what the bot texts back: per texting number and to all numbers.

Counted with ``limits`` in Redis, as log-ins are (``app.login_limits``): moving windows
shared by every web process. A text over a limit is still recorded and routed; only the
automatic reply is held back, so a flood (or a loop with another bot) costs us nothing.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

KEY_PREFIX = "helpline:sms_replies"
EXTENSION = "texting.reply_limits"


class ReplyLimits:
    """Replies per number and in all, counted in the app's Redis."""

    def __init__(self, client: object, per_number: str, overall: str) -> None:
        pool = client.connection_pool  # type: ignore[attr-defined]
        storage = RedisStorage("redis://", connection_pool=pool, key_prefix=KEY_PREFIX)
        self.windows = MovingWindowRateLimiter(storage)
        self.per_number = tuple(parse_many(per_number))
        self.overall = tuple(parse_many(overall))

    def take(self, phone: str) -> bool:
        """Count one reply to ``phone`` if every limit allows it; False (nothing counted) if not."""
        limits = self._limits(phone)
        if not all(self.windows.test(limit, key) for limit, key in limits):
            return False
        for limit, key in limits:
            self.windows.hit(limit, key)
        return True

    def _limits(self, phone: str) -> list[tuple[RateLimitItem, str]]:
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
