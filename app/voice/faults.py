"""The last line of the human guarantee: a voice view that fails still dials a person."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request

from app.twilio.state import decode_state
from app.twilio.twiml import dial_fallback, twiml_response

log = logging.getLogger(__name__)

TwiML = tuple[str, int, dict[str, str]]
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def answers_or_dials_a_human(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """Run ``view``; on any error, log it with the CallSid and dial ``FALLBACK_NUMBER``,
    apologizing in the caller's language when the URL says which (``l``, or the menu's
    signed state)."""

    @wraps(view)
    def wrapper() -> TwiML:
        try:
            return view()
        except Exception:  # the outermost edge of a webhook: never a 500, always a person
            log.exception("voice webhook %s failed; dialing the fallback line", request.path)
            _discard_session()
            number = current_app.config["FALLBACK_NUMBER"]
            return twiml_response(dial_fallback(number, _language()))

    return wrapper


def leaves_the_queue_on_error(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """For wait URLs, where ``<Dial>`` is not allowed: on any error, ``<Leave>`` the queue.

    The Enqueue action then runs, and it dials a person.
    """

    @wraps(view)
    def wrapper() -> TwiML:
        try:
            return view()
        except Exception:
            log.exception("hold webhook %s failed; the caller leaves the queue", request.path)
            _discard_session()
            return twiml_response(
                '<?xml version="1.0" encoding="UTF-8"?><Response><Leave /></Response>'
            )

    return wrapper


def lets_the_call_go_on(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """For the agent's leg and status callbacks: on any error, log it and answer nothing.

    On the agent's leg an empty ``<Response/>`` bridges the agent to the caller; a dial to
    the fallback line there would take the agent away from a caller already waiting for
    them. Twilio ignores what a status callback answers.
    """

    @wraps(view)
    def wrapper() -> TwiML:
        try:
            return view()
        except Exception:
            call_sid = request.form.get("CallSid", "")
            log.exception(
                "voice webhook %s failed for %s; the call goes on", request.path, call_sid
            )
            _discard_session()
            return twiml_response(EMPTY)

    return wrapper


def _language() -> str:
    """The caller's language as the failed request's URL tells it; English if it does not."""
    if "l" in request.args:
        return request.args["l"]
    try:  # a menu step: the language is in its signed navigation state
        state = decode_state(request.args.get("s", "")).get("s")
        return str(state.get("l") or "en") if isinstance(state, dict) else "en"
    except Exception:  # a tampered or missing state: nothing to go on
        return "en"


def _discard_session() -> None:
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the database may be the thing that failed
        log.debug("rollback after a failed webhook also failed", exc_info=True)
