"""TwiML built by pure functions from plain values; tests parse the XML."""

from __future__ import annotations

from functools import lru_cache

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from ivr_flows.languages import LANGUAGES

CALL_US_SMS = (
    "Thanks for your message. We can't answer texts on this number yet: "
    "please call us on {number} to talk to a person."
)
SORRY_SMS = (
    "Sorry, we can't answer texts right now. Please try again later, "
    "or call us on {number} to talk to a person."
)


def dial_fallback(number: str, language: str = "en", action: str = "") -> str:
    """Apologize briefly, in ``language`` (English if unknown), and dial the 24/7 human line;
    Twilio then asks ``action``, if given, what comes next (when nobody answered: a message)."""
    return _dial_fallback(number, language if language in LANGUAGES else "en", action)


@lru_cache(maxsize=64)
def _dial_fallback(number: str, language: str, action: str) -> str:
    # Cached: it runs when something already failed, so it should cost next to nothing.
    known = LANGUAGES[language]
    response = VoiceResponse()
    response.say(known.sorry, language=known.locale)
    if action:
        response.dial(number, action=action, method="POST")
    else:
        response.dial(number)
    return str(response)


@lru_cache(maxsize=32)
def sms_apology(number: str) -> str:
    """Tell a texter we cannot answer now and how to reach a person."""
    response = MessagingResponse()
    response.message(SORRY_SMS.format(number=number))
    return str(response)


def sms_call_us(number: str) -> str:
    """Until texts are answered here: tell a texter how to reach a person by phone."""
    response = MessagingResponse()
    response.message(CALL_US_SMS.format(number=number))
    return str(response)


def twiml_response(xml: str) -> tuple[str, int, dict[str, str]]:
    """A Flask response tuple for TwiML."""
    return xml, 200, {"Content-Type": "text/xml; charset=utf-8"}
