"""Manual emergency-closed switches: a supervisor closes a line without editing its flow.

A flow's business-hours branch names a switch (``closed_switch: main_line_closed``); while
the switch is on, the branch takes its closed path. Switches live in Redis so every web
process sees a change at once; with Redis down they read as off, and the menus go on.
"""

from __future__ import annotations

import logging
import time

from flask import current_app

from app.extensions import redis_store
from app.live.publish import publish

log = logging.getLogger(__name__)

CLOSED_SWITCHES_KEY = "helpline:closed-switches"
# Every call reads the switches; a second's delay in seeing a change costs nobody.
CACHE_SECONDS = 1.0


def closed_switches() -> frozenset[str]:
    """The switches that are on (read at most once a second per process); none without Redis."""
    cached = current_app.extensions.get("ivr.closed_switches")
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        switches: frozenset[str] = cached[1]
        return switches
    switches = _read_switches()
    current_app.extensions["ivr.closed_switches"] = (now, switches)
    return switches


def _read_switches() -> frozenset[str]:
    try:
        members = redis_store.client.smembers(CLOSED_SWITCHES_KEY)
    except Exception as exc:  # Redis down must not stop the menu
        log.warning("closed switches unavailable (%s); treating all as off", type(exc).__name__)
        return frozenset()
    return frozenset(m.decode() if isinstance(m, bytes) else str(m) for m in members)


def set_switch(name: str, closed: bool) -> None:
    """Turn the switch ``name`` on (the line closed) or off."""
    current_app.extensions.pop("ivr.closed_switches", None)
    if closed:
        redis_store.client.sadd(CLOSED_SWITCHES_KEY, name)
    else:
        redis_store.client.srem(CLOSED_SWITCHES_KEY, name)
    log.warning("closed switch %s turned %s", name, "on" if closed else "off")
    publish("switch", what="on" if closed else "off", switch=name)
