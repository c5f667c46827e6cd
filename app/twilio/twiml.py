"""TwiML built by pure functions from plain values; tests parse the XML."""

from __future__ import annotations

from functools import lru_cache

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

SORRY_VOICE = "We're sorry, we're having trouble right now. Connecting you to a person."
SORRY_SMS = (
    "Sorry, we can't answer texts right now. Please try again later, "
    "or call us on {number} to talk to a person."
)


@lru_cache(maxsize=32)
def dial_fallback(number: str, message: str = SORRY_VOICE) -> str:
    """Apologize briefly and dial the 24/7 human line."""
    response = VoiceResponse()
    response.say(message)
    response.dial(number)
    return str(response)


@lru_cache(maxsize=32)
def sms_apology(number: str) -> str:
    """Tell a texter we cannot answer now and how to reach a person."""
    response = MessagingResponse()
    response.message(SORRY_SMS.format(number=number))
    return str(response)


def twiml_response(xml: str) -> tuple[str, int, dict[str, str]]:
    """A Flask response tuple for TwiML."""
    return xml, 200, {"Content-Type": "text/xml; charset=utf-8"}
