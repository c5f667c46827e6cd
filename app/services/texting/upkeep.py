"""Texting's periodic work: deflections that got no reply or were followed by a call,
and queued conversations that wait nowhere. Run by the ``app.jobs.texting`` job and, at
most once a minute across all processes, lazily by incoming texts (each process asks
Redis whether it is due at most every few seconds, not on every text)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import redis_store
from app.services.texting import deflection, handover

log = logging.getLogger(__name__)

DUE_KEY = "helpline:texting:upkeep"  # set while upkeep is recent: its TTL is the interval
WHOLE_DUE_KEY = "helpline:texting:upkeep:whole"  # the same for the worker's whole upkeep
EVERY_SECONDS = 60
ASK_EVERY_SECONDS = 5.0  # a process asks Redis whether upkeep is due at most this often
NEXT_ASK = "texting.upkeep_next_ask"  # in app.extensions: when this process asks again


@dataclass(frozen=True)
class Upkeep:
    """What one pass did."""

    no_reply: int
    false_by_call: int
    requeued: int


def run(session: Session) -> Upkeep:
    """Settle deflections, put waiting-nowhere conversations back in line. Commits."""
    settled = deflection.settle(session)
    session.commit()
    requeued = handover.requeue(session)
    return Upkeep(settled.no_reply, settled.false_by_call, requeued)


def run_if_due(session: Session) -> Upkeep | None:
    """``run`` unless some process did in the last ``EVERY_SECONDS``: the worker's sweep
    calls it, so deflections are settled and texts that waited nowhere (nobody was at work)
    are put back in line even when nobody texts."""
    if not redis_store.client.set(WHOLE_DUE_KEY, "1", nx=True, ex=EVERY_SECONDS):
        return None
    return run(session)


def settle_if_due(session: Session) -> None:
    """Settle deflections if no process did in the last minute (one SET NX when not due,
    asked at most every ``ASK_EVERY_SECONDS`` per process)."""
    extensions = current_app.extensions
    now = time.monotonic()
    if now < extensions.get(NEXT_ASK, 0.0):
        return
    extensions[NEXT_ASK] = now + ASK_EVERY_SECONDS
    if not redis_store.client.set(DUE_KEY, "1", nx=True, ex=EVERY_SECONDS):
        return
    settled = deflection.settle(session)
    if settled.no_reply or settled.false_by_call:
        log.info("deflections settled: %s", settled)
