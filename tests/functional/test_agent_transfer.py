"""Transferring my live call: Twilio moves the caller to the target queue (priority kept) or
to a named agent; I owe the wrap-up of my part, and take nothing else until I give it."""

from __future__ import annotations

from urllib.parse import parse_qs

import responses
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from routing.model import Presence
from tests.functional.agent_calls import API, finish
from tests.functional.contact_calls import billing_call_answered, my_contact
from tests.functional.desks import hire
from tests.functional.voice import destination, twiml
from tests.support import PUBLIC_BASE_URL


def twilio_moves(twilio_api, call_sid: str, status: int = 200, code: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Twilio's answer to ``POST .../Calls/{Sid}.json`` with a ``Url``: the call, or an error."""
    if status == 200:
        body = {"sid": call_sid, "status": "in-progress", "direction": "inbound"}
    else:
        body = {
            "code": code,
            "message": "Call is not in-progress. Cannot redirect.",
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
    twilio_api.add(responses.POST, f"{API}/Calls/{call_sid}.json", json=body, status=status)


def transfer(desk, **body):  # type: ignore[no-untyped-def]
    return desk.call("POST", "/api/agent/transfer", **body)


def test_a_transfer_to_a_queue_moves_the_caller_there_with_their_priority(
    desk, twilio_post, twilio_api, app
):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    store = app.extensions["routing.store"]
    before = store.entry(caller["CallSid"])
    twilio_moves(twilio_api, caller["CallSid"])

    response = transfer(desk, contact_id=caller["CallSid"], queue="tech_support")

    assert response.status_code == 200, response.get_json()
    sent = parse_qs(twilio_api.calls[-1].request.body)
    url = sent["Url"][0]
    assert url.startswith(f"{PUBLIC_BASE_URL}/voice/transfer?")
    root = twiml(twilio_post(url.removeprefix(PUBLIC_BASE_URL), caller))
    assert destination(root) == ("queue", "tech_support")
    moved = store.entry(caller["CallSid"])
    assert (moved.queue, moved.state, moved.score) == ("tech_support", "waiting", before.score)
    assert moved.arrival == before.arrival


def test_after_a_transfer_i_owe_its_wrap_up_and_take_nothing_else(
    desk, twilio_post, twilio_api, app
):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    twilio_moves(twilio_api, caller["CallSid"])
    transfer(desk, contact_id=caller["CallSid"], queue="tech_support")

    contact = my_contact(desk)["contact"]
    refused = desk.call("POST", "/api/agent/accept")
    done = finish(desk, caller["CallSid"], "escalated", "Meter fault: sent to support.")

    assert (contact["state"], contact["transferred_to"]["queue"]) == ("transferred", "tech_support")
    assert refused.status_code == 409
    assert (done.status_code, done.get_json()["state"]) == (200, "available")
    record = db.session.scalars(select(Interaction)).one()
    db.session.refresh(record)
    step = record.details["transfers"][0]
    assert (step["from_agent_id"], step["wrap_up"]["code"]) == (int(desk.id), "escalated")
    assert record.wrap_up_code == ""  # the call's own wrap-up is the last agent's


def test_a_transfer_to_an_agent_holds_the_caller_for_them_and_offers_it(
    desk, twilio_post, twilio_api, app, center
):
    ben = hire(app, "Ben Carter", {"billing": 3})
    ben.available()
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    twilio_moves(twilio_api, caller["CallSid"])

    response = transfer(desk, contact_id=caller["CallSid"], agent_id=int(ben.id))
    url = parse_qs(twilio_api.calls[-1].request.body)["Url"][0]
    twiml(twilio_post(url.removeprefix(PUBLIC_BASE_URL), caller))

    assert response.status_code == 200, response.get_json()
    assert ben.offer()["contact_id"] == caller["CallSid"]
    assert center.entry(caller["CallSid"]).queue == "billing"


def test_a_call_that_ended_cannot_be_transferred(desk, twilio_post, twilio_api, app):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    twilio_moves(twilio_api, caller["CallSid"], status=400, code=21220)

    response = transfer(desk, contact_id=caller["CallSid"], queue="tech_support")

    assert response.status_code == 409
    assert "ended" in response.get_json()["error"]
    assert app.extensions["routing.store"].presence(desk.id).state is Presence.BUSY
    assert my_contact(desk)["contact"]["state"] == "talking"


def test_a_call_whose_end_was_reported_is_refused_without_asking_twilio(
    desk, twilio_post, twilio_api
):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    twilio_post("/voice/status", {**caller, "CallStatus": "completed", "CallDuration": "60"})

    response = transfer(desk, contact_id=caller["CallSid"], queue="tech_support")

    assert response.status_code == 409


def test_unknown_targets_are_a_400(desk, twilio_post, twilio_api):
    caller = billing_call_answered(desk, twilio_post, twilio_api)
    sid = caller["CallSid"]

    assert transfer(desk, contact_id=sid, queue="nowhere").status_code == 400
    assert transfer(desk, contact_id=sid, agent_id=999).status_code == 400
    assert transfer(desk, contact_id=sid, agent_id="x" * 5000).status_code == 400
    assert transfer(desk, contact_id=sid, agent_id=int(desk.id)).status_code == 400
    assert transfer(desk, contact_id=sid).status_code == 400
    assert transfer(desk, contact_id=sid, queue=["billing"]).status_code == 400


def test_a_call_that_is_not_mine_cannot_be_transferred(desk):
    response = transfer(desk, contact_id="CA" + "7" * 32, queue="billing")

    assert response.status_code == 403
