"""The baseline for the benchmarks: a bare Flask app answering Twilio webhooks with static TwiML.

It does nothing but return fixed bytes: no signature check, no form parsing, no settings,
no logging setup, no store. Environment variables (read once, at import) replace the
default bytes, so a benchmark can serve exactly what the project answered:
``BENCH_TWIML`` for ``/voice/fallback`` (``webhook_overhead.py``), ``BENCH_INCOMING_TWIML``
and ``BENCH_STEP_TWIML`` for ``/voice/incoming`` and ``/voice/step`` (``ivr.py``).
"""

from __future__ import annotations

import os

from flask import Flask

DEFAULT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    "<Say>We're sorry, we're having trouble right now. Connecting you to a person.</Say>"
    "<Dial>+15005550006</Dial></Response>"
)
DEFAULT_GATHER = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    '<Gather action="/voice/step?s=static" actionOnEmptyResult="true" input="dtmf speech" '
    'language="en-US" method="POST" timeout="5">'
    "<Say>For billing, press 1. To speak with a representative, press 0.</Say></Gather>"
    '<Redirect method="POST">/voice/step?s=static</Redirect></Response>'
)

TWIML = os.environ.get("BENCH_TWIML", DEFAULT_TWIML).encode("utf-8")
INCOMING_TWIML = os.environ.get("BENCH_INCOMING_TWIML", DEFAULT_GATHER).encode("utf-8")
STEP_TWIML = os.environ.get("BENCH_STEP_TWIML", DEFAULT_GATHER).encode("utf-8")
HEADERS = {"Content-Type": "text/xml; charset=utf-8"}

app = Flask(__name__)


@app.post("/voice/fallback")
def fallback() -> tuple[bytes, int, dict[str, str]]:
    """The same TwiML the project's fallback returns, with nothing in front of it."""
    return TWIML, 200, HEADERS


@app.post("/voice/incoming")
def incoming() -> tuple[bytes, int, dict[str, str]]:
    """A menu for a new call, the same whoever calls."""
    return INCOMING_TWIML, 200, HEADERS


@app.post("/voice/step")
def step() -> tuple[bytes, int, dict[str, str]]:
    """The next menu, the same whatever the caller answered."""
    return STEP_TWIML, 200, HEADERS


SMS_TWIML = os.environ.get(
    "BENCH_SMS_TWIML",
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, a person will text '
    "you back here shortly.</Message></Response>",
).encode("utf-8")


@app.post("/sms/incoming")
def sms_incoming() -> tuple[bytes, int, dict[str, str]]:
    """A reply to a text, the same whatever it said (``sms.py``)."""
    return SMS_TWIML, 200, HEADERS
