"""SMS webhooks: what Twilio asks when a text comes in or a delivery changes state."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.twilio.security import accept_webhook
from app.twilio.twiml import sms_apology, twiml_response

bp = Blueprint("sms", __name__, url_prefix="/sms")
bp.before_request(accept_webhook)


@bp.post("/fallback")
def fallback() -> tuple[str, int, dict[str, str]]:
    """Twilio's "primary handler fails" URL for messages: apologize and give the human line."""
    return twiml_response(sms_apology(current_app.config["FALLBACK_NUMBER"]))
