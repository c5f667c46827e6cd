"""The last line of the human guarantee: a voice view that fails, or runs out of time,
still answers with a person (or, on the agent's own leg, lets the call go on).

Each view runs within ``WEBHOOK_DEADLINE`` seconds (``app.deadline``), well inside the 15 s
Twilio waits before it gives up on a webhook: past it the view is stopped wherever it
waits, its database connection is thrown away rather than returned to the pool
mid-statement (the server rolls its transaction back), and the fallback TwiML of the view's
kind answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request

from app.deadline import DeadlineExceeded, within
from app.extensions import db
from app.twilio.state import decode_state
from app.twilio.twiml import dial_fallback, twiml_response

log = logging.getLogger(__name__)

TwiML = tuple[str, int, dict[str, str]]
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
LEAVE = '<?xml version="1.0" encoding="UTF-8"?><Response><Leave /></Response>'


def answers_or_dials_a_human(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """Run ``view``; on any error or past the deadline, log it with the CallSid and dial
    ``FALLBACK_NUMBER``, apologizing in the caller's language when the URL says which
    (``l``, or the menu's signed state)."""

    @wraps(view)
    def wrapper() -> TwiML:
        return _answer(view, _dial_a_person, "dialing the fallback line")

    return wrapper


def leaves_the_queue_on_error(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """For wait URLs, where ``<Dial>`` is not allowed: on any error, ``<Leave>`` the queue.

    The Enqueue action then runs, and it dials a person.
    """

    @wraps(view)
    def wrapper() -> TwiML:
        return _answer(view, lambda: LEAVE, "the caller leaves the queue")

    return wrapper


def lets_the_call_go_on(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """For the agent's leg and status callbacks: on any error, log it and answer nothing.

    On the agent's leg an empty ``<Response/>`` bridges the agent to the caller; a dial to
    the fallback line there would take the agent away from a caller already waiting for
    them. Twilio ignores what a status callback answers.
    """

    @wraps(view)
    def wrapper() -> TwiML:
        return _answer(view, lambda: EMPTY, "the call goes on")

    return wrapper


def _answer(view: Callable[[], TwiML], fallback: Callable[[], str], outcome: str) -> TwiML:
    """``view``'s answer within the deadline, else ``fallback``'s; ``outcome`` says which."""
    seconds = current_app.config["WEBHOOK_DEADLINE"]
    try:
        with within(seconds) as deadline:
            try:
                return view()
            except Exception:  # the outermost edge of a webhook: never a 500, always a person
                if deadline.expired:  # off the main thread: its database was cut off
                    raise DeadlineExceeded from None
                log.exception("voice webhook %s failed; %s (%s)", request.path, outcome, _sid())
                _roll_back()  # within the deadline: a database that hangs cannot hold it
                return twiml_response(fallback())
    except DeadlineExceeded:
        log.error(
            "voice webhook %s ran out of time (%g s); %s (%s)",
            request.path,
            seconds,
            outcome,
            _sid(),
        )
        db.discard_session()
        return twiml_response(fallback())


def _sid() -> str:
    return request.form.get("CallSid", "")


def _dial_a_person() -> str:
    return dial_fallback(current_app.config["FALLBACK_NUMBER"], _language())


def _language() -> str:
    """The caller's language as the failed request's URL tells it; English if it does not."""
    if "l" in request.args:
        return request.args["l"]
    try:  # a menu step: the language is in its signed navigation state
        state = decode_state(request.args.get("s", "")).get("s")
        return str(state.get("l") or "en") if isinstance(state, dict) else "en"
    except Exception:  # a tampered or missing state: nothing to go on
        return "en"


def _roll_back() -> None:
    try:
        db.roll_back()
    except Exception:  # the database may be the thing that failed
        log.debug("rollback after a failed webhook also failed", exc_info=True)
        db.discard_session()
