"""The offer sweep: missed offers taken back, callbacks their agents left undialed and open
tasks put in line, and waiting contacts offered to free agents.

An offer not accepted within ``OFFER_TIMEOUT`` seconds goes back to its place (same score,
same arrival), its agent is set away (``routing.choice.after_missed_offer``) and the next
best agent is offered it. A callback accepted and never dialed by an agent who has logged
out or stopped sending heartbeats goes back to its place (``callback_desk.release``). The
same sweep then offers waiting contacts that no event
offered (a sticky hold that ended, a failure while offering).

The sweep runs in two places: a loop beside every ``helpline worker`` (``run``), and on the
agent API's requests and heartbeats (``sweep_if_due``). A Redis key with a time to live
lets one process sweep per interval; two sweeps at once would do no harm anyway, since each
offer is taken back by one atomic script that only the first caller wins.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store
from app.services.agents import offers
from app.services.callbacks import callback_desk, task_queue
from app.services.calls import queueing

log = logging.getLogger(__name__)

SWEEP_KEY = "helpline:offers:swept"  # set while a sweep is recent: its TTL is the interval
EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class Sweep:
    """What one sweep did."""

    taken_back: int  # missed offers put back, their agents set away
    offered: int  # waiting contacts offered to free agents besides the re-offers
    tasks_queued: int = 0  # open callback and voicemail tasks put in line
    callbacks_returned: int = 0  # accepted callbacks their agents left without calling


def sweep() -> Sweep:
    """Take back offers older than ``OFFER_TIMEOUT`` and callbacks left undialed, put open
    tasks in line, then offer what still waits."""
    timeout = float(current_app.config["OFFER_TIMEOUT"])
    stale = queueing.store().stale_offers(timeout)
    taken_back = sum(offers.take_back_missed(entry, timeout) for entry in stale)
    returned = callback_desk.release()
    tasks_queued = task_queue.queue_open_tasks()
    return Sweep(
        taken_back=taken_back,
        offered=offers.offer_waiting(),
        tasks_queued=tasks_queued,
        callbacks_returned=returned,
    )


def sweep_if_due(every: float = EVERY_SECONDS) -> Sweep | None:
    """Sweep unless some process did in the last ``every`` seconds; never raises on a fault."""
    try:
        if not redis_store.client.set(SWEEP_KEY, "1", nx=True, px=max(1, int(every * 1000))):
            return None
        return sweep()
    except (RedisError, SQLAlchemyError) as exc:
        db.session.rollback()
        log.warning("offer sweep failed (%s); the next one will retry", type(exc).__name__)
        return None


def _texting_upkeep() -> None:
    """Texting's upkeep, once a minute across the workers; never raises on a fault."""
    from app.services.texting import upkeep  # texting hands texts to agents: no cycle

    try:
        done = upkeep.run_if_due(db.session)
    except (RedisError, SQLAlchemyError) as exc:
        db.session.rollback()
        log.warning("texting upkeep failed (%s); the next one will retry", type(exc).__name__)
        return
    if done is not None and any(asdict(done).values()):
        log.info("texting upkeep: %s", done)


def _broadcast_upkeep() -> None:
    """Restart broadcasts nobody is sending (their workers died), once a minute."""
    from app.services.broadcasts import sending_run  # broadcasts are not the desk's: no cycle

    try:
        sending_run.upkeep_if_due(db.session)
    except (RedisError, SQLAlchemyError) as exc:
        db.session.rollback()
        log.warning("broadcast upkeep failed (%s); the next one will retry", type(exc).__name__)


def run(every: float = EVERY_SECONDS, keep_going: Callable[[], bool] | None = None) -> None:
    """Sweep every ``every`` seconds while ``keep_going()`` (by default: the parent lives)."""
    parent = os.getppid()
    alive = keep_going or (lambda: os.getppid() == parent)
    log.info("offer sweep every %g s", every)
    while alive():
        done = sweep_if_due(every)
        _texting_upkeep()
        _broadcast_upkeep()
        db.session.close()  # a fresh view of the database on the next round
        if done is not None and any(asdict(done).values()):
            log.info(
                "offer sweep: %d taken back, %d undialed callbacks and %d tasks put in line, "
                "%d offered",
                done.taken_back,
                done.callbacks_returned,
                done.tasks_queued,
                done.offered,
            )
        time.sleep(every)
