"""SMS webhooks: what Twilio asks when a text comes in or a delivery changes state.

Until texting with agents lands, a text is answered with the way to a person by phone, and
delivery receipts are acknowledged.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from app.twilio import params
from app.twilio.security import accept_webhook
from app.twilio.twiml import sms_apology, sms_call_us, twiml_response

EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'

bp = Blueprint("sms", __name__, url_prefix="/sms")
bp.before_request(accept_webhook)


@bp.post("/fallback")
def fallback() -> tuple[str, int, dict[str, str]]:
    """Twilio's "primary handler fails" URL for messages: apologize and give the human line."""
    return twiml_response(sms_apology(current_app.config["FALLBACK_NUMBER"]))


@bp.post("/incoming")
def incoming() -> tuple[str, int, dict[str, str]]:
    """A text came in: tell the texter how to reach a person (not after STOP, START, HELP)."""
    if params.form().get("OptOutType"):
        # Twilio answered the opt-out keyword itself; a second reply would break the rules.
        return twiml_response(EMPTY)
    return twiml_response(sms_call_us(current_app.config["FALLBACK_NUMBER"]))


@bp.post("/status")
def status() -> tuple[str, int, dict[str, str]]:
    """A delivery receipt: acknowledged (Twilio ignores what it gets back)."""
    return twiml_response(EMPTY)
