"""Manual emergency-closed switches: a supervisor closes a line without editing its flow.

A flow's business-hours branch names a switch (``closed_switch: main_line_closed``); while
the switch is on, the branch takes its closed path. Switches live in Redis so every web
process sees a change at once; with Redis down they read as off, and the menus go on.
"""

from __future__ import annotations

import logging

from app.extensions import redis_store

log = logging.getLogger(__name__)

CLOSED_SWITCHES_KEY = "helpline:closed-switches"


def closed_switches() -> frozenset[str]:
    """The switches that are on; none when Redis cannot be asked."""
    try:
        members = redis_store.client.smembers(CLOSED_SWITCHES_KEY)
    except Exception as exc:  # Redis down must not stop the menu
        log.warning("closed switches unavailable (%s); treating all as off", type(exc).__name__)
        return frozenset()
    return frozenset(m.decode() if isinstance(m, bytes) else str(m) for m in members)


def set_switch(name: str, closed: bool) -> None:
    """Turn the switch ``name`` on (the line closed) or off."""
    if closed:
        redis_store.client.sadd(CLOSED_SWITCHES_KEY, name)
    else:
        redis_store.client.srem(CLOSED_SWITCHES_KEY, name)
    log.warning("closed switch %s turned %s", name, "on" if closed else "off")
