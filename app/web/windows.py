"""Moving-window rate limits in Redis, shared by every web process.

The counting is ``limits``' (the library Flask-Limiter is built on). Each user of it
(log-ins, the community's writes, the status page's subscribe form) keeps its own key
prefix and settings, and asks the same two questions: how long must this client wait,
and count one more.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import redis
from limits import RateLimitItem
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter


class MovingWindows:
    """Counts under ``key_prefix`` in the app's Redis, with its connection pool."""

    def __init__(self, client: redis.Redis, key_prefix: str) -> None:
        storage = RedisStorage(
            "redis://", connection_pool=client.connection_pool, key_prefix=key_prefix
        )
        self.windows = MovingWindowRateLimiter(storage)

    def wait_needed(self, limits: Iterable[RateLimitItem], *identifiers: str) -> int | None:
        """Seconds until the first used-up limit lets one more in; ``None`` when none is."""
        for limit in limits:
            if not self.windows.test(limit, *identifiers):
                reset = self.windows.get_window_stats(limit, *identifiers).reset_time
                # When the oldest counted hit leaves the window, one more is allowed.
                return max(1, math.ceil(reset - time.time()))
        return None

    def count(self, limits: Iterable[RateLimitItem], *identifiers: str) -> None:
        """One more hit in each limit's window."""
        # Two requests at once may both pass ``wait_needed`` before either is counted: the
        # overshoot is at most the number of requests the web processes serve at once.
        for limit in limits:
            self.windows.hit(limit, *identifiers)


def wait_phrase(seconds: int) -> str:
    """``seconds`` as a person reads a wait: "a minute", "5 minutes"."""
    minutes = max(1, math.ceil(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"
