"""Rate limits on the community's writes: posts per member, sign-ups per client address.

Moving windows in Redis (the ``limits`` package, as for log-ins in ``app.login_limits``),
shared by every web process. Settings (read and checked in ``app.config``):
``COMMUNITY_POST_LIMIT`` (per member: questions and answers together),
``COMMUNITY_SIGNUP_LIMIT`` (per client address) and ``COMMUNITY_FLAG_LIMIT`` (per member).
"""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse_many

from app.services.community.errors import CommunityError
from app.web.windows import MovingWindows, wait_phrase

KEY_PREFIX = "helpline:community"
SETTINGS = {
    "post": "COMMUNITY_POST_LIMIT",
    "signup": "COMMUNITY_SIGNUP_LIMIT",
    "flag": "COMMUNITY_FLAG_LIMIT",
}


class TooFast(CommunityError):
    """A limit is used up; ``retry_after`` says for how many seconds."""

    status = 429

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(
            f"You have {what} too often. Wait {wait_phrase(retry_after)} and try again."
        )
        self.retry_after = retry_after


class CommunityLimits:
    """Counts posts, sign-ups and flags in Redis; ``hit`` refuses once a limit is used."""

    def __init__(self, app: Flask) -> None:
        self.windows = MovingWindows(app.extensions["redis"], KEY_PREFIX)
        self.limits = {kind: tuple(parse_many(app.config[name])) for kind, name in SETTINGS.items()}

    def hit(self, kind: str, key: str, what: str) -> None:
        """Count one ``kind`` (post, signup, flag) for ``key``; ``TooFast`` if over a limit."""
        wait = self.windows.wait_needed(self.limits[kind], kind, key)
        if wait is not None:
            raise TooFast(what, wait)
        self.windows.count(self.limits[kind], kind, key)


def init_community_limits(app: Flask) -> None:
    """The limits from the app's settings."""
    app.extensions["community.limits"] = CommunityLimits(app)


def community_limits() -> CommunityLimits:
    """The current app's community limits."""
    limits: CommunityLimits = current_app.extensions["community.limits"]
    return limits
