"""What a voice webhook could not save because the database did not answer: kept for later.

A job (``app.jobs.calls``) saves it once the database answers, retried with backoff for
about three hours; a job that still fails then stays in RQ's failed jobs, which can be
requeued. If Redis cannot take the job either (down, or known down to this process), the
log keeps it at ERROR, the last record: the recording's URL finds the message in Twilio's
console. Either way nothing the caller left is lost without a trace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import astuple
from typing import Any

from redis.exceptions import RedisError
from rq import Retry

from app.deadline import DeadlineExceeded, within
from app.extensions import redis_store
from app.jobs.calls import record_call_end, save_voicemail
from app.services.calls.call_ends import CallEnd
from app.services.calls.last_resort import LeftMessage

log = logging.getLogger(__name__)

# Seconds between tries: soon at first (most faults are a lock or a restart), then
# hourly; about three hours in all.
RETRY_INTERVALS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 3600, 3600]
QUEUE = "default"
# The least time given to queue a job, even when the answer is already due: a Redis that
# answers takes a millisecond.
LAST_WAIT = 0.05


def keep_message(message: LeftMessage, answer_by: float) -> bool:
    """Have ``message`` saved later; whether a job will (else only the log keeps it).

    Redis is waited for until ``answer_by`` (``time.monotonic``), when the caller must hear
    an answer, and no longer."""
    job = _enqueue(save_voicemail, astuple(message), answer_by)
    if job is not None:
        log.warning("the message at %s is saved later by job %s", message.recording_url, job)
        return True
    log.error(
        "the message at %s from %s (call %s, queue %s, language %s, %d s) could not be "
        "saved nor queued: save it by hand",
        message.recording_url,
        message.number,
        message.call_sid,
        message.queue,
        message.language,
        message.seconds,
    )
    return False


def keep_call_end(end: CallEnd, answer_by: float) -> bool:
    """Have ``end`` recorded later; whether a job will (else only the log keeps it)."""
    job = _enqueue(record_call_end, astuple(end), answer_by)
    if job is not None:
        log.warning("the end of call %s is recorded later by job %s", end.call_sid, job)
        return True
    log.error(
        "the end of call %s (%s, %s s, from %s to %s) could not be recorded nor queued",
        end.call_sid,
        end.status,
        end.duration,
        end.from_number,
        end.to_number,
    )
    return False


def _enqueue(job: Callable[..., Any], args: tuple[Any, ...], answer_by: float) -> str | None:
    """Enqueue ``job`` with retries; its id, or None if Redis cannot take it by ``answer_by``."""
    retry = Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)
    try:
        with within(max(answer_by - time.monotonic(), LAST_WAIT)):
            queued = redis_store.queue(QUEUE).enqueue(job, *args, retry=retry)
    except (RedisError, DeadlineExceeded) as exc:  # down, or known down (app.store_breaker)
        log.warning("could not queue %s (%s)", job.__name__, type(exc).__name__)
        return None
    return str(queued.id)
