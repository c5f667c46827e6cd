"""The human guarantee for texts: a webhook that fails, runs out of time, or finds the
database known to be down still answers with the way to a person (the fallback line)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request

from app.deadline import DeadlineExceeded, within
from app.extensions import db
from app.store_breaker import DATABASE, StoreBreaker
from app.twilio.twiml import sms_apology, twiml_response

log = logging.getLogger(__name__)

TwiML = tuple[str, int, dict[str, str]]


def answers_with_a_person(view: Callable[[], TwiML]) -> Callable[[], TwiML]:
    """On any error, past ``WEBHOOK_DEADLINE`` or with the database down: the apology that
    gives ``FALLBACK_NUMBER``."""

    @wraps(view)
    def wrapper() -> TwiML:
        config = current_app.config
        breaker: StoreBreaker = current_app.extensions["stores.breaker"]
        apology = twiml_response(sms_apology(config["FALLBACK_NUMBER"]))
        if breaker.skips(DATABASE):
            log.warning("SMS webhook %s: the database is down; the fallback line", request.path)
            return apology
        try:
            with within(config["WEBHOOK_DEADLINE"]):
                try:
                    answer = view()
                except Exception as exc:  # the outermost edge of a webhook: never a 500
                    log.exception("SMS webhook %s failed; the fallback line", request.path)
                    breaker.found(exc)
                    _roll_back()
                    return apology
                breaker.answered(DATABASE)
                return answer
        except DeadlineExceeded:
            log.error("SMS webhook %s ran out of time; the fallback line", request.path)
            db.discard_session()
            return apology

    return wrapper


def _roll_back() -> None:
    try:
        db.roll_back()
    except Exception:  # the database may be the thing that failed
        db.discard_session()
