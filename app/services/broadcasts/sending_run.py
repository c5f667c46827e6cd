"""A broadcast from start to done: its jobs on the ``broadcasts`` queue, pause, resume and
cancel (each seen by the workers within a second), and the upkeep that restarts a
broadcast whose workers all died.

Each send job loops: recover dead workers' claims, claim a few deliveries, send them
(``sender``), until none is pending; the last one finding nothing pending nor claimed
marks the broadcast done. While a job works it keeps a heartbeat in Redis; the worker's
sweep (once a minute) enqueues a job for a broadcast that is sending, has work left, and
whose heartbeat has stopped, and a planning job for one stuck in ``planning`` (``planning``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.extensions import redis_store
from app.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastState,
    Delivery,
    DeliveryState,
    User,
    utcnow,
)
from app.services.broadcasts import load_hold, planning, sender
from app.services.broadcasts.broadcasts import find
from app.services.broadcasts.pacing import Bucket
from app.services.incidents.lifecycle import IncidentError
from app.services.supervision import audit

log = logging.getLogger(__name__)

QUEUE = "broadcasts"
BEAT_KEY = "helpline:broadcast:{}:beat"
BEAT_SECONDS = 30
UPKEEP_KEY = "helpline:broadcasts:upkeep"
UPKEEP_EVERY_SECONDS = 60
# Job timeout: a job stops claiming after this long and another one takes over.
JOB_SECONDS = 3600
OPEN = (DeliveryState.PENDING, DeliveryState.CLAIMED)
LOOK_SECONDS = 0.25  # how often a sending job looks whether it was paused or cancelled
MOVES = {
    "start": ({BroadcastState.PLANNED}, BroadcastState.SENDING),
    "pause": ({BroadcastState.SENDING}, BroadcastState.PAUSED),
    "resume": ({BroadcastState.PAUSED}, BroadcastState.SENDING),
    "cancel": (
        {BroadcastState.PLANNED, BroadcastState.SENDING, BroadcastState.PAUSED},
        BroadcastState.CANCELLED,
    ),
}


@dataclass(frozen=True)
class Round:
    """What one job did."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    stopped: bool = False


def control(session: Session, broadcast_id: int, move: str, by: User | None = None) -> str:
    """``start``, ``pause``, ``resume`` or ``cancel`` the broadcast; its new state. Commits."""
    allowed, target = MOVES[move]
    broadcast = find(session, broadcast_id)
    if move in ("start", "resume"):
        _refuse_without_twilio()
        if broadcast.channel is BroadcastChannel.VOICE:
            _refuse_calls_without_a_public_url()
    if broadcast.state not in allowed:
        raise IncidentError(f"Broadcast {broadcast.id} is {broadcast.state.value}: cannot {move}.")
    broadcast.state = target
    if move == "start":
        broadcast.started_at = utcnow()
    if move == "cancel":
        broadcast.finished_at = utcnow()
        session.execute(
            update(Delivery)
            .where(Delivery.broadcast_id == broadcast.id, Delivery.state == DeliveryState.PENDING)
            .values(state=DeliveryState.SKIPPED, updated_at=utcnow())
        )
    audit.record(by, f"broadcast.{move}", f"broadcast {broadcast.id}")
    session.commit()
    sender.set_state(broadcast.id, target)  # the workers look before every text
    if target is BroadcastState.SENDING:
        enqueue(broadcast.id, jobs=current_app.config["BROADCAST_JOBS"])
    return target.value


def _refuse_without_twilio() -> None:
    """Nothing can be sent without Twilio's credentials (a local demo has none): said now,
    not by send jobs failing one after another."""
    config = current_app.config
    if not (config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]):
        raise IncidentError(
            "Twilio is not configured (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN): "
            "nothing can be sent."
        )


def _refuse_calls_without_a_public_url() -> None:
    """A call asks us what to say at an absolute URL: without ``PUBLIC_BASE_URL`` none can
    be placed (a text merely goes without its receipts)."""
    if not current_app.config["PUBLIC_BASE_URL"]:
        raise IncidentError(
            "Voice broadcasts need PUBLIC_BASE_URL: Twilio asks it what each call says."
        )


def enqueue(broadcast_id: int, jobs: int = 1) -> None:
    """Put ``jobs`` send jobs for the broadcast on the ``broadcasts`` queue."""
    from app.jobs.broadcasts import send_broadcast  # jobs import services: no cycle

    queue = redis_store.queue(QUEUE)
    for _ in range(max(1, jobs)):
        queue.enqueue(send_broadcast, broadcast_id, job_timeout=JOB_SECONDS + 300)


def run(session: Session, broadcast_id: int, worker: str | None = None) -> Round:
    """Send the broadcast's deliveries until none is left or it is paused or cancelled."""
    worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    broadcast = find(session, broadcast_id)
    bucket = sender.bucket_for(broadcast)
    rate = bucket.rate
    counts = {DeliveryState.SENT: 0, DeliveryState.SKIPPED: 0, DeliveryState.FAILED: 0}
    while True:
        if sender.state_of(broadcast.id) != BroadcastState.SENDING.value:
            return Round(*counts.values(), stopped=True)
        redis_store.client.set(BEAT_KEY.format(broadcast.id), worker, ex=beat_seconds())
        sender.recover_stale(session, broadcast)
        gate = load_hold.gate(session, broadcast, lambda: _beat(broadcast.id, worker))
        if gate.stopped:
            return Round(*counts.values(), stopped=True)
        claimed = sender.claim(session, broadcast.id, worker, sender.chunk_size(rate), gate.wave)
        if not claimed:
            finish_if_done(session, broadcast)
            return Round(*counts.values())
        claimed = sender.render(session, broadcast, claimed, worker)
        stopped = _send_chunk(session, broadcast, claimed, worker, bucket, counts)
        if stopped:
            release(session, broadcast.id, worker)
            return Round(*counts.values(), stopped=True)


def _send_chunk(
    session: Session,
    broadcast: Broadcast,
    claimed: list[sender.Claimed],
    worker: str,
    bucket: Bucket,
    counts: dict[DeliveryState, int],
) -> bool:
    """Send a chunk and record what became of it; True if the broadcast stopped midway
    (what was not sent is released by the caller). Looks at the broadcast's state at
    least every ``LOOK_SECONDS``: pause and cancel are obeyed within a second."""
    refused = sender.refused(session, [one.phone for one in claimed], broadcast.channel.value)
    holder = sender.Holder(session, broadcast.id, worker, {one.id for one in claimed})
    outcomes: list[sender.Outcome] = []
    looked = 0.0
    stopped = False
    for one in claimed:
        if time.monotonic() - looked >= LOOK_SECONDS:
            if sender.state_of(broadcast.id) != BroadcastState.SENDING.value:
                stopped = True
                break
            redis_store.client.set(BEAT_KEY.format(broadcast.id), worker, ex=beat_seconds())
            looked = time.monotonic()
        holder.refresh_if_due()
        if one.id not in holder.held:
            continue  # recovered by another worker meanwhile: theirs now, never sent twice
        if one.phone in refused:
            outcome = sender.Outcome(one.id, DeliveryState.SKIPPED)
        else:
            outcome = sender.send_claimed(session, broadcast, one, bucket, holder.sleep)
            holder.held.discard(one.id)  # sent: its claim keeps the time it had
        outcomes.append(outcome)
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    sender.record(session, worker, outcomes)
    return stopped


def _beat(broadcast_id: int, worker: str) -> None:
    redis_store.client.set(BEAT_KEY.format(broadcast_id), worker, ex=beat_seconds())


def beat_seconds() -> int:
    """How long a job's heartbeat lasts: half the time a claim takes to go stale."""
    return max(1, min(BEAT_SECONDS, round(sender.stale_seconds() / 2)))


def release(session: Session, broadcast_id: int, worker: str) -> None:
    """This worker's unsent claims back to pending (paused) or skipped (cancelled: they
    will never be sent); commits."""
    cancelled = sender.state_of(broadcast_id) == BroadcastState.CANCELLED.value
    session.execute(
        update(Delivery)
        .where(
            Delivery.broadcast_id == broadcast_id,
            Delivery.claimed_by == worker,
            Delivery.state == DeliveryState.CLAIMED,
        )
        .values(
            state=DeliveryState.SKIPPED if cancelled else DeliveryState.PENDING,
            claimed_by=None,
            updated_at=utcnow(),
        )
    )
    session.commit()


def finish_if_done(session: Session, broadcast: Broadcast) -> bool:
    """Mark the broadcast done when nothing is pending or claimed; True if it is done."""
    left = session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.broadcast_id == broadcast.id, Delivery.state.in_(OPEN))
    )
    if left:
        return False
    done = session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.state == BroadcastState.SENDING)
        .values(state=BroadcastState.DONE, finished_at=utcnow())
    ).rowcount
    session.commit()
    if done:
        sender.set_state(broadcast.id, BroadcastState.DONE)
    return True


def upkeep_if_due(session: Session) -> list[int]:
    """Once a minute across the workers: restart broadcasts whose jobs all stopped (a
    worker killed, a job timed out), sending or planning; the broadcasts given a new job."""
    every = max(1, round(min(UPKEEP_EVERY_SECONDS, sender.stale_seconds())))
    if not redis_store.client.set(UPKEEP_KEY, "1", nx=True, ex=every):
        return []
    restarted = planning.revive(session)
    sending = session.scalars(
        select(Broadcast.id).where(Broadcast.state == BroadcastState.SENDING)
    ).all()
    for broadcast_id in sending:
        if redis_store.client.exists(BEAT_KEY.format(broadcast_id)):
            continue
        if sender.state_of(broadcast_id) != BroadcastState.SENDING.value:
            sender.set_state(broadcast_id, BroadcastState.SENDING)  # Redis lost it
        enqueue(broadcast_id)
        restarted.append(broadcast_id)
        log.warning("broadcast %s had no worker sending it: a job was enqueued", broadcast_id)
    session.rollback()
    return restarted
