"""Broadcast calls: a claimed voice delivery placed as a call, and a dead worker's claim
looked up in Twilio's Calls list before it is called again.

The call asks ``/voice/broadcast?d=<delivery>`` what to say once answered (``call_answers``)
and reports each step to ``/voice/broadcast-status?d=<delivery>``. Both name the delivery,
not the CallSid: Twilio may ask before the worker has recorded the SID (it records a
chunk's outcomes together), and a callback that comes first records the SID itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy.orm import Session

from app.models import utcnow
from app.services.texting import numbers
from app.twilio.gateway import twilio_gateway

TWIML_PATH = "/voice/broadcast"
KEY_PATH = "/voice/broadcast-key"
STATUS_PATH = "/voice/broadcast-status"
# Errors of a call that trying again cannot mend: an invalid or unreachable number
# (21211, 21214, 21217, 13223, 13224), a country our account may not call (21215, 21216),
# a caller ID Twilio does not know as ours (21210, 21212). Any other 4xx fails as well.
PERMANENT = {21210, 21211, 21212, 21214, 21215, 21216, 21217, 13223, 13224}
CLOCK_SKEW = timedelta(seconds=5)  # Twilio's clock and ours differ


def url(path: str, delivery_id: int, language: str, **more: object) -> str:
    """One of a broadcast call's webhooks, under ``PUBLIC_BASE_URL`` (a job has no request
    to name the host; Twilio needs an absolute URL)."""
    query = urlencode({"d": delivery_id, "l": language, **more})
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}?{query}"


def place(delivery_id: int, phone: str, language: str) -> str:
    """Call ``phone`` from our number for this delivery; Twilio's CallSid."""
    return twilio_gateway.place_notice_call(
        phone,
        current_app.config["TWILIO_NUMBER"],
        url(TWIML_PATH, delivery_id, language),
        url(STATUS_PATH, delivery_id, language),
    )


def refused(session: Session, phone: str, code: int | None) -> None:
    """What a refused call says about the number: 21211 is an invalid number, kept on the
    customer so nothing goes there again (21610, a texting opt-out, means nothing here)."""
    if code == numbers.INVALID_NUMBER_CODE:
        numbers.mark_invalid(session, phone, code)


def called_already(
    phone: str, message: str | None, claimed_at: datetime | None, our_number: str
) -> str | None:
    """The SID of the call Twilio has for this delivery, if the claim's worker placed it:
    one from our number to theirs created since the claim, dialled already (``StartTime>=``
    the claim's day) or still queued (a call not yet dialled has no start time). A claim
    whose message was never rendered was never called."""
    if not message:
        return None
    since = (claimed_at or utcnow()) - CLOCK_SKEW
    calls = twilio_gateway.client.calls
    found = [
        *calls.list(
            to=phone, from_=our_number, start_time_after=since.date().isoformat(), limit=20
        ),
        *calls.list(to=phone, from_=our_number, status="queued", limit=20),
    ]
    for call in found:
        created = call.date_created
        if isinstance(created, datetime) and created >= since:
            return str(call.sid)
    return None
