"""Callers asking for a callback, as the callback policy tests drive them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import select

from app.extensions import db
from app.models import Task
from tests.functional.voice import CLOSED, FALLBACK, MAIN_LINE, destination, gather_action, twiml
from tests.support import call_params

# Numbers no helpline should call back at its own expense.
PREMIUM = "+19005551234"  # US premium rate (900)
SATELLITE = "+882161234567"  # an international network: no country
COMOROS = "+2693212345"  # a valid mobile number, far outside the countries we serve
TWILIO_NUMBER = "+14155550100"  # the helpline's own Twilio number, in these tests
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


def ask_after_hours(app, twilio_post, phone: str, params=None):  # type: ignore[no-untyped-def]
    """A caller on the closed main line who presses 1 (English), then 1 (call me back)."""
    app.config["CLOCK"] = lambda: CLOSED
    params = params or call_params(To=MAIN_LINE, From=phone)
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(gather_action(first), {**params, "Digits": "1"}))
    return params, twiml(twilio_post(gather_action(menu), {**params, "Digits": "1"}))


def offered_a_person_or_a_message(root: ET.Element) -> str:
    """Assert the refusal's offer (a key for a message, a person on silence); its URL."""
    gather = root.find("Gather")
    assert gather is not None, ET.tostring(root)
    assert gather.get("action", "").startswith("/voice/callback-refused")
    assert destination(root) == ("dial", FALLBACK)  # what Twilio does after a silent Gather
    return gather.get("action", "")


def leave_a_message(twilio_post, url: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    """Press 2 at the refusal's offer, then record a message; what the caller hears last."""
    record = twiml(twilio_post(url, {**params, "Digits": "2"}))
    assert record.find("Record") is not None, ET.tostring(record)
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "12"}
    return twiml(twilio_post(record.find("Record").get("action"), recorded))


def all_tasks() -> list[Task]:
    return list(db.session.scalars(select(Task).order_by(Task.id)))
