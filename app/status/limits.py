"""Rate limits on the status page's subscribe form: per client address and per number.

Moving windows in Redis (the ``limits`` package, as for the community's sign-ups), shared
by every web process, so nobody can make us text a stranger's phone again and again.
``STATUS_SUBSCRIBE_LIMIT`` (read and checked in ``app.config``) holds for each address
and for each number.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app
from limits import parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

KEY_PREFIX = "helpline:status"
EXTENSION = "status.limits"


class TooFast(Exception):
    """A limit is used up; ``retry_after`` says for how many seconds."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(f"Too many requests to subscribe just now. Wait {wait} and try again.")
        self.retry_after = retry_after


class SubscribeLimits:
    """Counts requests to subscribe in Redis; ``hit`` refuses once a limit is used."""

    def __init__(self, app: Flask) -> None:
        storage = RedisStorage(
            "redis://",
            connection_pool=app.extensions["redis"].connection_pool,
            key_prefix=KEY_PREFIX,
        )
        self.windows = MovingWindowRateLimiter(storage)
        self.limits = tuple(parse_many(app.config["STATUS_SUBSCRIBE_LIMIT"]))

    def hit(self, kind: str, key: str) -> None:
        """Count one request for ``key`` (an address or a number); ``TooFast`` if over."""
        # Numbers are personal data: the keys hold a digest of them, not the number.
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
        for limit in self.limits:
            if not self.windows.hit(limit, kind, digest):
                reset = self.windows.get_window_stats(limit, kind, digest).reset_time
                raise TooFast(max(1, math.ceil(reset - time.time())))


def init_subscribe_limits(app: Flask) -> None:
    """The limits from the app's settings."""
    app.extensions[EXTENSION] = SubscribeLimits(app)


def subscribe_limits() -> SubscribeLimits:
    """The current app's subscribe limits."""
    limits: SubscribeLimits = current_app.extensions[EXTENSION]
    return limits
