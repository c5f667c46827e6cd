"""Rate limits on the status page's subscribe form: per client address and per number.

Moving windows in Redis (the ``limits`` package, as for the community's sign-ups), shared
by every web process, so nobody can make us text a stranger's phone again and again.
``STATUS_SUBSCRIBE_LIMIT`` (read and checked in ``app.config``) holds for each address
and for each number.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app
from limits import parse_many

from app.web.windows import MovingWindows, wait_phrase

KEY_PREFIX = "helpline:status"
EXTENSION = "status.limits"


class TooFast(Exception):
    """A limit is used up; ``retry_after`` says for how many seconds."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests to subscribe just now. Wait {wait_phrase(retry_after)}"
            " and try again."
        )
        self.retry_after = retry_after


class SubscribeLimits:
    """Counts requests to subscribe in Redis; ``hit`` refuses once a limit is used."""

    def __init__(self, app: Flask) -> None:
        self.windows = MovingWindows(app.extensions["redis"], KEY_PREFIX)
        self.limits = tuple(parse_many(app.config["STATUS_SUBSCRIBE_LIMIT"]))

    def hit(self, kind: str, key: str) -> None:
        """Count one request for ``key`` (an address or a number); ``TooFast`` if over."""
        # Numbers are personal data: the keys hold a digest of them, not the number.
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
        wait = self.windows.wait_needed(self.limits, kind, digest)
        if wait is not None:
            raise TooFast(wait)
        self.windows.count(self.limits, kind, digest)


def init_subscribe_limits(app: Flask) -> None:
    """The limits from the app's settings."""
    app.extensions[EXTENSION] = SubscribeLimits(app)


def subscribe_limits() -> SubscribeLimits:
    """The current app's subscribe limits."""
    limits: SubscribeLimits = current_app.extensions[EXTENSION]
    return limits
