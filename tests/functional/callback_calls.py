"""Callbacks as the tests drive them: asked for on hold, accepted, called back, answered."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs

from sqlalchemy import select

from app.extensions import db
from app.models import Task
from app.services.agents import offer_sweeper
from tests.functional.agent_calls import call_back, call_placed, path_of
from tests.functional.desks import call_in, hire, wait
from tests.functional.voice import MAIN_LINE, twiml
from tests.support import call_params

CUSTOMER = "+14155550199"


def asks_for_a_callback(twilio_post) -> str:  # type: ignore[no-untyped-def]
    """A caller who keeps their place by callback on hold; the callback's contact id."""
    caller = call_in(twilio_post, From=CUSTOMER)
    twiml(twilio_post("/voice/hold-key?q=general&l=en", {**caller, "Digits": "1"}))
    leave = {**caller, "QueueResult": "leave", "QueueTime": "200", "QueueSid": "QU" + "1" * 32}
    twiml(twilio_post("/voice/queue-exit?q=general&l=en", leave))
    task = db.session.scalars(select(Task)).one()
    return f"callback:{task.id}"


def accepts_callback(desk, twilio_api) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The desk accepts the callback offered to them and calls the customer back; the call
    the app asked Twilio for."""
    sid = "CA" + uuid.uuid4().hex
    accepted = desk.call("POST", "/api/agent/accept")
    assert accepted.status_code == 200, accepted.get_json()
    call_placed(twilio_api, CUSTOMER, sid)
    called = call_back(desk, accepted.get_json()["contact_id"])
    assert called.status_code == 200, called.get_json()
    placed = parse_qs(twilio_api.calls[-1].request.body)
    placed["sid"] = [sid]
    return placed


def call_ended(twilio_post, placed, status: str):  # type: ignore[no-untyped-def]
    """Twilio's status callback for the call we placed, ending with ``status``."""
    form = {
        **call_params(CallSid=placed["sid"][0], From=MAIN_LINE, To=CUSTOMER),
        "Direction": "outbound-api",
        "CallStatus": status,
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "0",
        "Timestamp": "Tue, 24 Nov 2026 15:01:00 +0000",
    }
    if status == "completed":
        form["CallDuration"] = "45"
    return twilio_post(path_of(placed["StatusCallback"][0]), form)


def customer_answers(twilio_post, placed) -> tuple[dict[str, str], str]:  # type: ignore[no-untyped-def]
    """The customer picks up: the form of their leg and the agent leg's Dial action."""
    form = {
        **call_params(CallSid=placed["sid"][0], From=MAIN_LINE, To=CUSTOMER),
        "Direction": "outbound-api",
        "CallStatus": "in-progress",
    }
    root = twiml(twilio_post(path_of(placed["Url"][0]), form))
    return form, root.find("Dial").get("action")


def an_hour_passes(redis_client, contact: str) -> None:  # type: ignore[no-untyped-def]
    """The store forgets the contact (its tombstone expires) and the offer sweep runs."""
    redis_client.delete(f"helpline:contact:{contact}")
    offer_sweeper.sweep()


def two_agents(app, clock):  # type: ignore[no-untyped-def]
    """Ana, idle longest, is offered contacts first; Ben is available too."""
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Carter")
    app.config["TWILIO_NUMBER"] = MAIN_LINE
    ana.available()
    wait(clock, 40, ana)
    ben.available()
    return ana, ben
