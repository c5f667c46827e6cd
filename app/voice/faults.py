"""The last line of the human guarantee: a voice view that fails, or runs out of time,
still answers with a person (or, on the agent's own leg, lets the call go on).

Each view runs within ``WEBHOOK_DEADLINE`` seconds (``app.deadline``), well inside the 15 s
Twilio waits before it gives up on a webhook: past it the view is stopped wherever it
waits, its database connection is thrown away rather than returned to the pool
mid-statement (the server rolls its transaction back), and the fault answer of the view's
kind answers (``fault_answers``). A database found not answering in time is skipped for a
while (``app.store_breaker``): the views that need it answer their fault answer at once
(Redis is skipped command by command: what needs it fails at once).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, request

from app.deadline import DeadlineExceeded, within
from app.extensions import db
from app.store_breaker import DATABASE, StoreBreaker
from app.twilio.twiml import dial_fallback, twiml_response
from app.voice import fault_answers

log = logging.getLogger(__name__)

TwiML = tuple[str, int, dict[str, str]]
View = Callable[[], TwiML]
FaultAnswer = Callable[[float], str]  # takes the time (monotonic) to answer by
EMPTY = fault_answers.EMPTY


def answers_or_dials_a_human(view: View) -> View:
    """On any error or past the deadline, log it with the CallSid and dial
    ``FALLBACK_NUMBER``, apologizing in the caller's language when the URL says which
    (``l``, or the menu's signed state); if nobody answers there, a message."""
    return _guarded(view, fault_answers.dial_a_person, "dialing the fallback line")


def leaves_the_queue_on_error(view: View) -> View:
    """For wait URLs, where ``<Dial>`` is not allowed: on any error, ``<Leave>`` the queue.

    The Enqueue action then runs, and it dials a person.
    """
    return _guarded(view, fault_answers.leave_the_queue, "the caller leaves the queue")


def lets_the_call_go_on(view: View) -> View:
    """For the agent's leg: on any error, log it and answer nothing.

    An empty ``<Response/>`` bridges the agent to the caller; a dial to the fallback line
    there would take the agent away from a caller already waiting for them.
    """
    return _guarded(view, fault_answers.go_on, "the call goes on")


def keeps_the_message(view: View) -> View:
    """For ``/voice/voicemail``: on any error the message is saved later, and the caller
    thanked all the same."""
    return _guarded(view, fault_answers.keep_the_message, "the message is saved later")


def offers_a_last_message(view: View) -> View:
    """For what follows an unanswered fallback line: on any error, a message then goodbye."""
    return _guarded(view, fault_answers.last_chance_for_a_message, "a last chance of a message")


def keeps_the_call_end(view: View) -> View:
    """For status callbacks: on any error, how the call ended is recorded later."""
    return _guarded(view, fault_answers.keep_the_call_end, "its end is recorded later")


def needs_no_store(view: View) -> View:
    """Mark a view that asks no store: a store known to be down does not skip it."""
    view.needs_no_store = True  # type: ignore[attr-defined]
    return view


def _guarded(view: View, fallback: FaultAnswer, outcome: str) -> View:
    uses_stores = not getattr(view, "needs_no_store", False)

    @wraps(view)
    def wrapper() -> TwiML:
        return _answer(view, fallback, outcome, uses_stores)

    return wrapper


def _answer(view: View, fallback: FaultAnswer, outcome: str, uses_stores: bool) -> TwiML:
    """``view``'s answer within the deadline, else ``fallback``'s; ``outcome`` says which."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    config = app.config
    breaker: StoreBreaker = app.extensions["stores.breaker"]
    if uses_stores and breaker.skips(DATABASE):
        log.warning(
            "voice webhook %s: the database is down; %s (%s)", request.path, outcome, _sid()
        )
        return _fall_back(fallback, time.monotonic() + config["STORE_TIMEOUT"])
    seconds = config["WEBHOOK_DEADLINE"]
    failure: BaseException
    try:
        with within(seconds) as deadline:
            try:
                answer = view()
            except Exception as exc:  # the outermost edge of a webhook: never a 500
                if deadline.expired:  # off the main thread: its database was cut off
                    raise DeadlineExceeded("the webhook deadline passed") from exc
                log.exception("voice webhook %s failed; %s (%s)", request.path, outcome, _sid())
                _roll_back()  # within the deadline: a database that hangs cannot hold it
                failure = exc
            else:
                if uses_stores:
                    breaker.answered(DATABASE)
                return answer
    except DeadlineExceeded as exc:
        log.error(
            "voice webhook %s ran out of time (%g s); %s (%s)",
            request.path,
            seconds,
            outcome,
            _sid(),
        )
        db.discard_session()
        failure = exc
    if breaker.found(failure) != DATABASE and uses_stores:
        breaker.answered(DATABASE)  # not the database's fault
    # What the settings check promises: an answer within the deadline and one store wait.
    return _fall_back(fallback, deadline.expires + config["STORE_TIMEOUT"])


def _fall_back(fallback: FaultAnswer, answer_by: float) -> TwiML:
    """``fallback``'s answer; it waits for Redis until ``answer_by``, no longer."""
    try:
        return twiml_response(fallback(answer_by))
    except Exception:  # never expected: the plainest answer, a person
        log.exception("the fault answer of %s failed too; dialing the fallback line", request.path)
        return twiml_response(dial_fallback(current_app.config["FALLBACK_NUMBER"]))


def _sid() -> str:
    return request.form.get("CallSid", "")


def _roll_back() -> None:
    try:
        db.roll_back()
    except Exception:  # the database may be the thing that failed
        log.debug("rollback after a failed webhook also failed", exc_info=True)
        db.discard_session()
