"""Load-aware pacing: a broadcast made with ``hold_while_wait`` (seconds) holds its next
wave while the queues' estimated wait is above that, so an alert does not flood the lines
it asks people not to call.

Before a sending job claims, it finds the wave it would claim from (the lowest with
pending deliveries it may send now). A wave nothing was claimed from yet, after one that
was, is a new wave: the job reads the longest estimated wait of the queues
(``queue_waits``) and, while it is above the threshold, holds: the reason shows in the
broadcast's status (``held``), the wait is read again every ``RECHECK_SECONDS``, and pause
or cancel are looked at every quarter second. A held job claims only from its wave, so a
chunk never slips into the next wave unchecked. The first wave never waits.

An alert is never held for ever: a wait that cannot be read (Redis or the routing store
failing) counts as not high, logged; and a wave is held at most
``BROADCAST_HOLD_MOST_SECONDS`` (30 minutes by default, counted from the first job that
held it), then it goes whatever the wait.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.extensions import redis_store
from app.models import Broadcast, BroadcastState, Delivery, DeliveryState, utcnow
from app.services.broadcasts import sender
from app.services.calls.queue_waits import QueueWait, longest_estimated_wait

log = logging.getLogger(__name__)

RECHECK_SECONDS = 5.0
LOOK_SECONDS = 0.25
HELD_KEY = "helpline:broadcast:{}:held"  # why the broadcast is held, while it is
SINCE_KEY = "helpline:broadcast:{}:held-since:{}"  # when a wave was first held


@dataclass(frozen=True)
class Gate:
    """What a job may claim: from ``wave`` only (None: any), or nothing (``stopped``:
    paused or cancelled while it was held)."""

    wave: int | None = None
    stopped: bool = False


def threshold_of(broadcast: Broadcast) -> float | None:
    """The broadcast's ``hold_while_wait`` in seconds, if it has one."""
    value = (broadcast.options or {}).get("hold_while_wait")
    return float(value) if value else None


def gate(session: Session, broadcast: Broadcast, beat: Callable[[], None]) -> Gate:
    """Hold while the broadcast's next wave must wait for the queues; ``beat`` keeps the
    job's heartbeat while it holds."""
    threshold = threshold_of(broadcast)
    if threshold is None:
        return Gate()
    while True:
        wave, new = next_wave(session, broadcast.id)
        if wave is None or not new:
            return Gate(wave)
        wait = _longest_wait()
        if wait is None or wait.seconds <= threshold or _held_long_enough(broadcast.id, wave):
            _clear(broadcast.id)
            return Gate(wave)
        _show(broadcast.id, wave, wait, threshold)
        if not _wait_watching(broadcast.id, beat):
            return Gate(stopped=True)


def next_wave(session: Session, broadcast_id: int) -> tuple[int | None, bool]:
    """The wave the next claim takes from, and whether it is a new one (later than every
    wave anything was claimed from); (None, False) when nothing may be sent now."""
    now = utcnow()
    pending = session.scalar(
        select(func.min(Delivery.wave)).where(
            Delivery.broadcast_id == broadcast_id,
            Delivery.state == DeliveryState.PENDING,
            or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
        )
    )
    begun = session.scalar(
        select(func.max(Delivery.wave)).where(
            Delivery.broadcast_id == broadcast_id,
            or_(Delivery.state != DeliveryState.PENDING, Delivery.attempts > 0),
        )
    )
    session.rollback()  # no transaction held while the job waits
    if pending is None:
        return None, False
    return int(pending), begun is not None and int(pending) > int(begun)


def held(broadcast_id: int) -> dict[str, Any] | None:
    """Why the broadcast is held now (``reason``, ``queue``, ``wait_seconds``,
    ``threshold_seconds``, ``wave``), or None; None too when Redis cannot say."""
    try:
        found = redis_store.client.get(HELD_KEY.format(broadcast_id))
    except RedisError:
        return None
    return json.loads(found) if found else None


def minutes(seconds: float) -> str:
    """A wait as people say it: "45 s", "4 min", "2.5 min"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    whole = seconds / 60
    return f"{whole:.0f} min" if abs(whole - round(whole)) < 0.05 else f"{whole:.1f} min"


def _longest_wait() -> QueueWait | None:
    try:
        return longest_estimated_wait()
    except (RedisError, OSError, ValueError) as exc:  # unknown is not high: the alert goes
        log.warning("queue wait unreadable (%s): the next wave is not held", type(exc).__name__)
        return None


def _held_long_enough(broadcast_id: int, wave: int) -> bool:
    """Whether the wave was held the most it may be (the first job to hold it started the
    clock); a clock Redis cannot keep counts as run out."""
    most = float(current_app.config["BROADCAST_HOLD_MOST_SECONDS"])
    key = SINCE_KEY.format(broadcast_id, wave)
    try:
        redis_store.client.set(key, repr(time.time()), nx=True, ex=int(most) + 3600)
        since = float(redis_store.client.get(key) or time.time())
    except RedisError as exc:
        log.warning("hold clock unreadable (%s): the next wave is not held", type(exc).__name__)
        return True
    if time.time() - since < most:
        return False
    log.warning("broadcast %s: wave %s held %g s, the most: it goes", broadcast_id, wave, most)
    return True


def _show(broadcast_id: int, wave: int, wait: QueueWait, threshold: float) -> None:
    reason = f"queue wait {minutes(wait.seconds)} above {minutes(threshold)}"
    found = {
        "reason": reason,
        "queue": wait.queue,
        "wait_seconds": round(wait.seconds, 1),
        "threshold_seconds": threshold,
        "wave": wave,
    }
    expires = max(1, round(RECHECK_SECONDS * 3))
    redis_store.client.set(HELD_KEY.format(broadcast_id), json.dumps(found), ex=expires)


def _clear(broadcast_id: int) -> None:
    try:
        redis_store.client.delete(HELD_KEY.format(broadcast_id))
    except RedisError:
        pass  # it expires by itself


def _wait_watching(broadcast_id: int, beat: Callable[[], None]) -> bool:
    """Wait ``RECHECK_SECONDS``, looking at the broadcast's state every quarter second;
    False if it stopped sending (paused or cancelled)."""
    ends = time.monotonic() + RECHECK_SECONDS
    while time.monotonic() < ends:
        if sender.state_of(broadcast_id) != BroadcastState.SENDING.value:
            _clear(broadcast_id)
            return False
        beat()
        time.sleep(min(LOOK_SECONDS, max(0.0, ends - time.monotonic())))
    return True
