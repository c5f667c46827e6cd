"""Voice webhooks: what Twilio asks when a call comes in or changes state."""

from __future__ import annotations

from flask import Blueprint, current_app

from app.twilio.security import check_twilio_signature
from app.twilio.twiml import dial_fallback, twiml_response

bp = Blueprint("voice", __name__, url_prefix="/voice")
bp.before_request(check_twilio_signature)


@bp.post("/fallback")
def fallback() -> tuple[str, int, dict[str, str]]:
    """Twilio's "primary handler fails" URL: dial a human, touching no store at all."""
    return twiml_response(dial_fallback(current_app.config["FALLBACK_NUMBER"]))
