"""Rate limits on the community's writes: posts per member, sign-ups per client address.

Moving windows in Redis (the ``limits`` package, as for log-ins in ``app.login_limits``),
shared by every web process. Settings: ``COMMUNITY_POST_LIMIT`` (per member: questions and
answers together) and ``COMMUNITY_SIGNUP_LIMIT`` (per client address), in ``limits``'
notation such as ``"5/minute;30/day"``.
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app
from limits import parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from app.services.community.errors import CommunityError

KEY_PREFIX = "helpline:community"
DEFAULTS = {
    "COMMUNITY_POST_LIMIT": "6/minute;40/day",
    "COMMUNITY_SIGNUP_LIMIT": "5/hour;20/day",
    "COMMUNITY_FLAG_LIMIT": "20/hour",
}


class TooFast(CommunityError):
    """A limit is used up; ``retry_after`` says for how many seconds."""

    status = 429

    def __init__(self, what: str, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(f"You have {what} too often. Wait {wait} and try again.")
        self.retry_after = retry_after


class CommunityLimits:
    """Counts posts, sign-ups and flags in Redis; ``hit`` refuses once a limit is used."""

    def __init__(self, app: Flask) -> None:
        storage = RedisStorage(
            "redis://",
            connection_pool=app.extensions["redis"].connection_pool,
            key_prefix=KEY_PREFIX,
        )
        self.windows = MovingWindowRateLimiter(storage)
        self.limits = {
            name.split("_")[1].lower(): tuple(parse_many(app.config[name])) for name in DEFAULTS
        }

    def hit(self, kind: str, key: str, what: str) -> None:
        """Count one ``kind`` (post, signup, flag) for ``key``; ``TooFast`` if over a limit."""
        for limit in self.limits[kind]:
            if not self.windows.test(limit, kind, key):
                reset = self.windows.get_window_stats(limit, kind, key).reset_time
                raise TooFast(what, max(1, math.ceil(reset - time.time())))
        for limit in self.limits[kind]:
            self.windows.hit(limit, kind, key)


def init_community_limits(app: Flask) -> None:
    """The limits from the settings (or the environment, or the defaults)."""
    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name) or default)
    app.extensions["community.limits"] = CommunityLimits(app)


def community_limits() -> CommunityLimits:
    """The current app's community limits."""
    limits: CommunityLimits = current_app.extensions["community.limits"]
    return limits
