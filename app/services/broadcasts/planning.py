"""Planning a broadcast: its audience written (``audience.plan``), then its script checked
again with a few of its real recipients; planned, or refused with the errors they met.

The supervisor's page plans by a job on the ``broadcasts`` queue, so that half a million
recipients never hold a web request; the command line plans in its own process. Whoever
plans keeps a heartbeat in Redis while it works. Planning may run again, even twice at
once, and writes nothing twice (``audience.plan``); only the run that finds the broadcast
still ``planning`` moves it on. The worker's sweep (``revive``, once a minute) enqueues a
new job for a broadcast stuck in ``planning``: nobody beating for it, and its job neither
queued nor waiting (a worker SIGKILLed, a job that failed, Redis that lost it).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.extensions import redis_store
from app.models import Broadcast, BroadcastState, Customer, Delivery
from app.services.broadcasts import audience
from app.services.broadcasts.broadcasts import Created, find, recipient_of, script_of
from app.services.incidents.lifecycle import IncidentError, get
from app.services.scripts import script_lint
from app.services.scripts.script_variables import Recipient

log = logging.getLogger(__name__)

QUEUE = "broadcasts"
BEAT_KEY = "helpline:broadcast:{}:planning"  # someone is planning it now
JOB_KEY = "helpline:broadcast:{}:plan-job"  # the id of its latest planning job
BEAT_SECONDS = 60  # longer than one batch of ``audience.plan`` takes
JOB_SECONDS = 3600
WAITING = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SAMPLES = 3


class QueueUnreachable(IncidentError):
    """Redis (the job queue) did not answer: the broadcast cannot be planned now."""

    status = 503


def check_queue() -> None:
    """``QueueUnreachable`` unless Redis answers (asked before anything is written)."""
    try:
        redis_store.client.ping()
    except RedisError:
        raise QueueUnreachable(
            "The job queue (Redis) is not answering, so the broadcast was not created. "
            "Try again once it is back."
        ) from None


def enqueue(broadcast_id: int) -> None:
    """Put a planning job for the broadcast at the front of the ``broadcasts`` queue (a
    supervisor waits for it; send jobs can wait a moment)."""
    from app.jobs.broadcasts import plan_broadcast  # jobs import services: no cycle

    job_id = f"plan-broadcast-{broadcast_id}-{uuid.uuid4().hex[:8]}"
    # The id first: the sweep may look between the two and must not take the job for lost.
    redis_store.client.set(JOB_KEY.format(broadcast_id), job_id, ex=JOB_SECONDS * 24)
    redis_store.queue(QUEUE).enqueue(
        plan_broadcast,
        broadcast_id,
        job_id=job_id,
        job_timeout=JOB_SECONDS,
        at_front=True,
    )


def enqueue_or_leave(broadcast_id: int) -> None:
    """Enqueue the planning job of a broadcast just written; if Redis stopped answering
    since ``check_queue``, the broadcast stays ``planning`` for the sweep to plan once
    Redis is back, and ``QueueUnreachable`` says so."""
    try:
        enqueue(broadcast_id)
    except RedisError:
        raise QueueUnreachable(
            f"The job queue (Redis) stopped answering: broadcast {broadcast_id} is written "
            "but will be planned only once Redis is back (within a minute of it)."
        ) from None


def run(session: Session, broadcast_id: int) -> Created | None:
    """Plan the broadcast if it is still ``planning``: write its audience, check the
    script with a few recipients; planned, or refused (its deliveries deleted, the errors
    kept on it). What was planned and the check; None if it was not planning (another run
    finished it). Commits."""
    broadcast = find(session, broadcast_id)
    if broadcast.state is not BroadcastState.PLANNING:
        return None
    beat(broadcast.id)
    planned = audience.plan(session, broadcast, lambda: beat(broadcast.id))
    report = script_lint.lint(script_of(broadcast), samples(session, broadcast), _base_url())
    session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.state == BroadcastState.PLANNING)
        .values(
            state=BroadcastState.PLANNED if report.ok else BroadcastState.REFUSED,
            audience=planned.total,
            report=report.as_dict(),
        )
    )
    session.commit()
    now = session.scalar(select(Broadcast.state).where(Broadcast.id == broadcast.id))
    if now is BroadcastState.REFUSED:
        # Nothing of it may be sent: no delivery is left to claim (whichever run refused it).
        session.execute(delete(Delivery).where(Delivery.broadcast_id == broadcast.id))
        broadcast.audience = 0
        session.commit()
        planned = audience.Planned(0, 0)
    _forget(broadcast.id)
    return Created(broadcast, planned, report)


def samples(session: Session, broadcast: Broadcast, count: int = SAMPLES) -> list[Recipient]:
    """A few planned recipients who are customers, as the script will see them."""
    incident = get(session, broadcast.incident_id)
    rows = session.execute(
        select(Customer)
        .join(Delivery, Delivery.customer_id == Customer.id)
        .where(Delivery.broadcast_id == broadcast.id)
        .order_by(Delivery.id)
        .limit(count)
    ).scalars()
    eta = str((broadcast.options or {}).get("eta") or "")
    return [recipient_of(incident, customer, customer.language, eta) for customer in rows]


def revive(session: Session) -> list[int]:
    """Enqueue a planning job for each broadcast stuck in ``planning``; their ids."""
    stuck = session.scalars(
        select(Broadcast.id).where(Broadcast.state == BroadcastState.PLANNING)
    ).all()
    revived = []
    for broadcast_id in stuck:
        if redis_store.client.exists(BEAT_KEY.format(broadcast_id)) or _job_waiting(broadcast_id):
            continue
        enqueue(broadcast_id)
        revived.append(broadcast_id)
        log.warning("broadcast %s was planning with no job: a job was enqueued", broadcast_id)
    return revived


def _job_waiting(broadcast_id: int) -> bool:
    """Whether the broadcast's planning job is still waiting for a worker (a job that
    started has its heartbeat; without one, it died)."""
    found = redis_store.client.get(JOB_KEY.format(broadcast_id))
    if not found:
        return False
    try:
        job = Job.fetch(found.decode(), connection=redis_store.client)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in WAITING


def beat(broadcast_id: int) -> None:
    """Say the broadcast is being planned (for ``BEAT_SECONDS``)."""
    # Best effort: the command line plans without Redis, and with Redis down no sweep runs
    # to take the broadcast for stuck (planning twice would write nothing twice anyway).
    try:
        redis_store.client.set(BEAT_KEY.format(broadcast_id), "1", ex=BEAT_SECONDS)
    except RedisError:
        log.warning("broadcast %s: planning goes on without its heartbeat (Redis)", broadcast_id)


def _forget(broadcast_id: int) -> None:
    try:
        redis_store.client.delete(BEAT_KEY.format(broadcast_id), JOB_KEY.format(broadcast_id))
    except RedisError:
        log.warning("broadcast %s: planned; its planning keys expire by themselves", broadcast_id)


def _base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]) if has_app_context() else ""


def report_of(broadcast: Broadcast) -> dict[str, Any] | None:
    """The check kept on the broadcast when it was planned or refused (None before)."""
    return dict(broadcast.report) if broadcast.report else None
