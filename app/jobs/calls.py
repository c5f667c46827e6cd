"""Jobs for calls: what a voice webhook could not save because the database did not answer.

Each is enqueued with retries and backoff (``app.services.calls.kept_for_later``); a
failure is logged with the job id and re-raised, so that RQ tries again, and the last
failure is logged at ERROR with what a person needs to save it by hand.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from app.extensions import db
from app.jobs import app_context
from app.services.calls import call_ends, hold, last_resort
from app.services.calls.call_ends import CallEnd
from app.services.calls.last_resort import LeftMessage

log = logging.getLogger(__name__)


def save_voicemail(
    number: str,
    queue: str,
    language: str,
    call_sid: str,
    recording_url: str,
    seconds: int,
    dialled: tuple[str, ...] = (),
) -> int | None:
    """Keep a message left while the database did not answer, as a task; the task's id."""
    message = LeftMessage(number, queue, language, call_sid, recording_url, seconds, dialled)
    with app_context():
        try:
            promise = last_resort.save_message(db.session, message)
        except Exception:
            _failed(
                "the message at %s from %s (call %s) is not saved yet",
                recording_url,
                number,
                call_sid,
            )
            raise
    return promise.task.id if promise.task is not None else None


def record_call_end(
    call_sid: str,
    status: str,
    duration: str,
    from_number: str,
    to_number: str,
    direction: str,
) -> None:
    """Record how a call ended, when its status callback found the database not answering."""
    end = CallEnd(call_sid, status, duration, from_number, to_number, direction)
    with app_context():
        try:
            call_ends.close_call(db.session, end)
            db.session.commit()
        except Exception:
            _failed("the end of call %s (%s, %s s) is not recorded yet", call_sid, status, duration)
            raise
        hold.forget_ended_call(call_sid, status)


def _failed(message: str, *args: object) -> None:
    """Log a failure: at ERROR once no try is left (the last record), else as a warning."""
    _roll_back()
    job = get_current_job()
    last = job is None or not job.retries_left
    level = logging.ERROR if last else logging.WARNING
    then = "no try left: save it by hand" if last else "it is tried again later"
    log.log(level, f"{message}; {then}", *args, exc_info=True)


def _roll_back() -> None:
    try:
        db.roll_back()
    except Exception:  # the database is what failed: the session is thrown away instead
        db.discard_session()
