"""The baseline for ``webhook_overhead.py``: a bare Flask app answering ``/voice/fallback``.

It returns static TwiML and does nothing else: no signature check, no form parsing, no
settings, no logging setup. ``BENCH_TWIML`` (read once, at import) replaces the default
bytes, so the benchmark can serve exactly what the project answered.
"""

from __future__ import annotations

import os

from flask import Flask

DEFAULT_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    "<Say>We're sorry, we're having trouble right now. Connecting you to a person.</Say>"
    "<Dial>+15005550006</Dial></Response>"
)

TWIML = os.environ.get("BENCH_TWIML", DEFAULT_TWIML).encode("utf-8")
HEADERS = {"Content-Type": "text/xml; charset=utf-8"}

app = Flask(__name__)


@app.post("/voice/fallback")
def fallback() -> tuple[bytes, int, dict[str, str]]:
    """The same TwiML the project's fallback returns, with nothing in front of it."""
    return TWIML, 200, HEADERS
