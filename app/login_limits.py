"""Log-in throttling: failed log-ins counted per account and per client address.

The counting is ``limits``' (the rate-limit library Flask-Limiter is built on): moving
windows in Redis, shared by every web process. ``app.auth.log_in`` checks and counts, so
every way of logging in (the API, the log-in page to come) shares the same counts. Only
failures count, so a shift of agents behind one office address logs in freely; once a
limit is used up, even the right password waits, or guessing would go on.

Flask-Limiter's request hooks are not used: they would run on every request, each Twilio
webhook included (some 25 µs each), for limits that only log-ins need.

The client address is the connection's peer; behind proxies, ``TRUSTED_PROXIES`` tells
werkzeug's ProxyFix how many of them append to ``X-Forwarded-For``. Left at 0, the header
is ignored: a client could write any address into it.
"""

from __future__ import annotations

import hashlib
import ipaddress

import redis
from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many

from app.web.windows import MovingWindows

KEY_PREFIX = "helpline:logins"


class TooManyAttempts(Exception):
    """Log-ins refused for now; ``retry_after`` says for how many seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed log-ins: try again in {retry_after} seconds")
        self.retry_after = retry_after


class LoginLimits:
    """Failed log-ins per account and per client address, counted in Redis."""

    def __init__(self, client: redis.Redis, per_account: str, per_address: str) -> None:
        self.windows = MovingWindows(client, KEY_PREFIX)
        self.per_account = tuple(parse_many(per_account))
        self.per_address = tuple(parse_many(per_address))

    def check(self, email: str, address: str) -> None:
        """``TooManyAttempts`` if this account or this address has used up a limit."""
        for limits, key in self._limits(email, address):
            wait = self.windows.wait_needed(limits, key)
            if wait is not None:
                raise TooManyAttempts(wait)

    def count_failure(self, email: str, address: str) -> None:
        """One more failed log-in for this account and this address."""
        for limits, key in self._limits(email, address):
            self.windows.count(limits, key)

    def _limits(self, email: str, address: str) -> list[tuple[tuple[RateLimitItem, ...], str]]:
        # Hashed: any length of input makes one short key, and no email sits in Redis.
        account = hashlib.sha256(email.strip().lower().encode("utf-8", "replace")).hexdigest()
        return [(self.per_account, f"account:{account}"), (self.per_address, f"address:{address}")]


def init_login_limits(app: Flask) -> None:
    """Count the app's failed log-ins in its Redis, with its own connections."""
    app.extensions["login_limits"] = LoginLimits(
        app.extensions["redis"],
        app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        app.config["LOGIN_LIMIT_PER_ADDRESS"],
    )


def login_limits() -> LoginLimits:
    """The current app's log-in limits."""
    limits: LoginLimits = current_app.extensions["login_limits"]
    return limits


def client_address() -> str:
    """The client's address, as far as the trusted proxies vouch for it; an IPv6 client
    by its /64, the block one household or host is given, so rotating through it does not
    buy more tries."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.1 is that IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
