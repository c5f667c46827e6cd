"""Callers waiting in Twilio's queues, as the voice tests drive them."""

from __future__ import annotations

from app.extensions import db
from app.models import Customer, Tier
from tests.functional.voice import MAIN_LINE, destination, spoken, staff_queues, twiml
from tests.support import call_params

SALES_LINE = "+15558675320"


def store(app):  # type: ignore[no-untyped-def]
    return app.extensions["routing.store"]


def queue_caller(twilio_post, phone: str = "+14155550123") -> dict[str, str]:
    """A caller who pressed 0 at the first menu: now waiting in the general queue."""
    params = call_params(To=MAIN_LINE, From=phone)
    first = twiml(twilio_post("/voice/incoming", params))
    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "0"}))
    assert destination(root)[0] == "queue", spoken(root)
    return {**params, "_queue": destination(root)[1]}


def hold(twilio_post, caller: dict[str, str], waited: int = 10):  # type: ignore[no-untyped-def]
    queue = caller["_queue"]
    form = {k: v for k, v in caller.items() if not k.startswith("_")}
    form.update(QueueTime=str(waited), QueuePosition="1", QueueSid="QU" + "1" * 32)
    return twiml(twilio_post(f"/voice/hold?q={queue}&l=en", form))


def leave(twilio_post, caller, result: str = "leave"):  # type: ignore[no-untyped-def]
    form = {k: v for k, v in caller.items() if not k.startswith("_")}
    form.update(QueueResult=result, QueueTime="300")
    return twiml(twilio_post(f"/voice/queue-exit?q={caller['_queue']}&l=en", form))


def add_customer(phone: str, tier: Tier) -> None:
    db.session.add(Customer(phone=phone, name="Caller", tier=tier, language="en"))
    db.session.commit()


def sales_caller(line, twilio_post) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller on the main line who chose sales, waiting there with an agent at work."""
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "1"}))
    root = twiml(twilio_post(menu.find("Gather").get("action"), {**params, "Digits": "3"}))
    return {**params, "_queue": destination(root)[1]}
