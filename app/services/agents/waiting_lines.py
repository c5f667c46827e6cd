"""The waiting lines the consoles of one process read, fetched once per change and shared.

A hundred consoles hear of a new caller at the same moment and all ask for their queues:
each queue's line is read from Redis once per change (the live publisher counts changes
per queue, ``app.live.publish.LINE_VERSION``) and the read is shared, instead of a hundred
reads of the same line. A line is read again after ``MAX_AGE`` whatever the count says, so
a count lost with a Redis error cannot hide a change for longer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from app.extensions import redis_store
from app.live.publish import LINE_VERSION
from app.services.calls import queueing
from routing.store import QueueEntry

MAX_AGE = 2.0


@dataclass(frozen=True)
class Line:
    """One queue's waiting count and its first callers in priority order."""

    waiting: int
    entries: tuple[QueueEntry, ...]


@dataclass(frozen=True)
class _Kept:
    version: bytes | None  # None: the queue has not changed since Redis started
    read_at: float
    line: Line


def lines(queues: Sequence[str], limit: int) -> dict[str, Line]:
    """Each queue's line, from this process's copy while the queue has not changed."""
    kept: dict[tuple[str, int], _Kept] = current_app.extensions.setdefault(
        "agents.waiting_lines", {}
    )
    if not queues:
        return {}
    versions = redis_store.client.mget([LINE_VERSION % queue for queue in queues])
    now = time.monotonic()
    found = {}
    for queue, version in zip(queues, versions, strict=True):
        copy = kept.get((queue, limit))
        if copy is not None and copy.version == version and now - copy.read_at < MAX_AGE:
            found[queue] = copy.line
            continue
        # Read after the count: a change meanwhile counts up, and the next read sees it.
        found[queue] = _read(queue, limit)
        kept[(queue, limit)] = _Kept(version, now, found[queue])
    return found


def _read(queue: str, limit: int) -> Line:
    store = queueing.store()
    return Line(store.waiting_count(queue), tuple(store.waiting(queue, limit=limit)))
