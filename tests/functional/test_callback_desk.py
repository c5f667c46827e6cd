"""An agent judges a callback before anyone is called: they see the number, its country and
the task's story, call back when they decide to or wrap it up without calling, and a
callback they leave undialed goes back in line."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import Interaction, Task, TaskKind, TaskStatus
from app.services.agents import offer_sweeper
from app.services.callbacks import task_queue
from routing.model import Presence
from routing.store import EntryState
from tests.functional.agent_calls import answered_call, call_back, call_placed, finish
from tests.functional.callback_calls import (
    CUSTOMER,
    accepts_callback,
    an_hour_passes,
    asks_for_a_callback,
    call_ended,
    two_agents,
)
from tests.functional.desks import call_in, hire, wait
from tests.functional.voice import MAIN_LINE


@pytest.fixture
def ana_and_ben(app, center, clock):  # type: ignore[no-untyped-def]
    """Ana, idle longest, is offered contacts first; Ben is available too."""
    return two_agents(app, clock)


def accepted(desk) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = desk.call("POST", "/api/agent/accept")
    assert response.status_code == 200, response.get_json()
    body: dict = response.get_json()  # type: ignore[type-arg]
    return body


def test_the_offer_shows_the_number_its_country_and_the_calls_made_before_anyone_calls(
    ana_and_ben, center, clock, twilio_post, twilio_api, redis_client
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    call_ended(twilio_post, accepts_callback(ana, twilio_api), "busy")
    an_hour_passes(redis_client, contact)

    offer = ben.offer() or ana.offer()

    assert offer["contact_id"] == contact
    callback = offer["callback"]
    assert (callback["number"], callback["country"], callback["region"]) == (
        CUSTOMER,
        "United States",
        "US",
    )
    assert (callback["number_type"], callback["number_valid"]) == ("fixed_line_or_mobile", True)
    assert callback["asked_how"] == "a callback after waiting in line for general"
    assert (callback["asked_from"], callback["line_called"]) == (CUSTOMER, MAIN_LINE)
    assert datetime.fromisoformat(callback["asked_at"]).tzinfo is not None
    [earlier] = callback["calls"]
    assert (earlier["status"], earlier["outcome"], earlier["agent_id"]) == (
        "busy",
        "the customer did not pick up (busy)",
        ana.id,
    )
    assert datetime.fromisoformat(earlier["at"]).timestamp() == pytest.approx(clock.now)
    assert (callback["calls_made"], callback["calls_allowed"]) == (1, 3)
    assert len(twilio_api.calls) == 1  # the first call only: nobody was called for the offer


def test_the_queue_listing_shows_a_waiting_voicemails_number_recording_and_notes(app, center):
    ana = hire(app, "Ana Torres")
    ana.wrapping_up()  # at work, so nothing is offered to her
    task = Task(
        kind=TaskKind.VOICEMAIL,
        queue="general",
        phone="+14155550142",
        recording_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        recording_seconds=42,
        notes="Second message this week.",
    )
    db.session.add(task)
    db.session.commit()
    offer_sweeper.sweep()

    body = ana.call("GET", "/api/agent/queues").get_json()

    general = next(queue for queue in body["queues"] if queue["queue"] == "general")
    [contact] = general["contacts"]
    callback = contact["callback"]
    assert (contact["contact_id"], callback["task_kind"]) == (f"callback:{task.id}", "voicemail")
    assert (callback["number"], callback["country"]) == ("+14155550142", "United States")
    assert callback["asked_how"] == "left a voicemail (42 s)"
    assert (callback["recording_url"], callback["recording_seconds"]) == (task.recording_url, 42)
    assert callback["notes"] == "Second message this week."
    assert (callback["asked_from"], callback["calls"]) == (None, [])


def test_a_live_caller_in_the_listing_has_no_callback_view(app, center, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.wrapping_up()
    asks_for_a_callback(twilio_post)
    caller = call_in(twilio_post)

    body = ana.call("GET", "/api/agent/queues").get_json()
    general = next(queue for queue in body["queues"] if queue["queue"] == "general")
    views = {contact["contact_id"]: contact["callback"] for contact in general["contacts"]}
    assert views[caller["CallSid"]] is None
    assert sum(view is not None for view in views.values()) == 1


def test_calling_back_twice_places_one_call(ana_and_ben, twilio_post, twilio_api):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    accepted(ana)
    call_placed(twilio_api, CUSTOMER)
    assert call_back(ana, contact).status_code == 200

    again = call_back(ana, contact)

    assert again.status_code == 409
    assert "already being called" in again.get_json()["error"]
    assert len(twilio_api.calls) == 1


def test_when_twilio_cannot_place_the_call_the_agent_is_told_and_may_try_again(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    accepted(ana)
    call_placed(twilio_api, CUSTOMER, status=500)
    failed = call_back(ana, contact)
    entry = center.entry(contact)
    call_placed(twilio_api, CUSTOMER)

    again = call_back(ana, contact)

    assert failed.status_code == 502
    assert "still yours" in failed.get_json()["error"]
    assert (entry.state, entry.agent_id) == (EntryState.OFFERED, ana.id)
    assert entry.accepted_at is not None
    assert again.status_code == 200, again.get_json()
    assert center.presence(ana.id).state is Presence.BUSY
    assert [call.response.status_code for call in twilio_api.calls] == [500, 201]


def test_an_agent_who_judges_the_number_suspicious_wraps_it_up_without_calling(
    ana_and_ben, center, twilio_post, twilio_api, redis_client
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    accepted(ana)

    done = finish(ana, contact, "suspicious_number", "Caller ID looks spoofed.")

    assert done.get_json() == {"contact_id": contact, "state": "available"}
    task = db.session.scalars(select(Task)).one()
    db.session.refresh(task)
    assert (task.status, task.closed_by_agent_id) == (TaskStatus.DONE, int(ana.id))
    record = db.session.get(Interaction, task.interaction_id)
    assert (record.wrap_up_code, record.notes) == ("suspicious_number", "Caller ID looks spoofed.")
    assert center.entry(contact).state is EntryState.CANCELLED
    assert call_back(ana, contact).status_code == 409
    redis_client.delete(f"helpline:contact:{contact}")  # an hour later, the store forgot it
    assert offer_sweeper.sweep().tasks_queued == 0
    assert (ana.offer(), ben.offer()) == (None, None)
    assert len(twilio_api.calls) == 0


def _offered_not_accepted(ana, ben, contact):  # type: ignore[no-untyped-def]
    return ana


def _accepted_by_ana(ana, ben, contact):  # type: ignore[no-untyped-def]
    accepted(ana)
    return ben


@pytest.mark.parametrize(
    ("scene", "named", "status"),
    [
        (_offered_not_accepted, "", 400),
        (_offered_not_accepted, "callback:999999", 404),
        (_offered_not_accepted, "the callback", 409),
        (_accepted_by_ana, "the callback", 403),
    ],
    ids=["no contact named", "unknown contact", "only offered", "another agent's"],
)
def test_calling_back_what_is_not_yours_to_call_is_a_json_error(
    ana_and_ben, center, twilio_post, scene, named, status
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    agent = scene(ana, ben, contact)

    response = call_back(agent, contact if named == "the callback" else named)

    assert response.status_code == status
    assert response.get_json()["error"]
    assert center.entry(contact).state is EntryState.OFFERED


def test_calling_back_a_live_caller_is_refused(desk, twilio_post, twilio_api):
    caller = answered_call(desk, twilio_post, twilio_api)

    response = call_back(desk, caller["CallSid"])

    assert response.status_code == 409
    assert "only a callback" in response.get_json()["error"]


def _logs_out(ana, ben, clock):  # type: ignore[no-untyped-def]
    assert ana.call("DELETE", "/api/session").status_code == 200


def _goes_offline(ana, ben, clock):  # type: ignore[no-untyped-def]
    assert ana.call("PUT", "/api/agent/presence", state="offline").status_code == 200


def _stops_sending_heartbeats(ana, ben, clock):  # type: ignore[no-untyped-def]
    wait(clock, 61, ben)  # Ben's browser goes on; Ana's went quiet
    offer_sweeper.sweep()


@pytest.mark.parametrize(
    "leaves", [_logs_out, _goes_offline, _stops_sending_heartbeats], ids=lambda f: f.__name__
)
def test_a_callback_its_agent_leaves_without_calling_goes_back_in_line(
    ana_and_ben, center, clock, twilio_post, twilio_api, leaves
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    accepted(ana)

    leaves(ana, ben, clock)

    assert center.presence(ana.id).state is Presence.OFFLINE
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == contact
    assert offer["offer_trace"][0] == "Ana Torres left without calling back: back in its place"
    assert db.session.scalars(select(Task)).one().status is TaskStatus.OPEN
    assert len(twilio_api.calls) == 0


def test_a_callback_being_called_stays_with_its_agent_who_logs_out_until_the_call_ends(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    ana.call("DELETE", "/api/session")
    offer_sweeper.sweep()
    kept = center.entry(contact)

    call_ended(twilio_post, placed, "no-answer")

    assert (kept.state, kept.agent_id) == (EntryState.OFFERED, ana.id)
    assert ben.offer() is None  # the customer is being called: nobody else calls them too
    assert center.entry(contact).state is EntryState.CANCELLED  # called again in an hour


def test_a_callback_whose_record_cannot_be_read_keeps_its_place_and_its_agent_is_free(
    ana_and_ben, center, twilio_post
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    db.session.execute(text("ALTER TABLE tasks RENAME TO tasks_unreadable"))
    db.session.commit()
    try:
        response = ana.call("POST", "/api/agent/accept")
    finally:
        db.session.rollback()
        db.session.execute(text("ALTER TABLE tasks_unreadable RENAME TO tasks"))
        db.session.commit()

    assert response.status_code == 503
    assert "keeps its place" in response.get_json()["error"]
    assert center.presence(ana.id).state is Presence.AVAILABLE
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == contact


def test_a_number_that_cannot_be_called_back_is_shown_as_such_and_only_wrapped_up(
    ana_and_ben, center, twilio_api
):
    ana, _ = ana_and_ben
    task = Task(kind=TaskKind.VOICEMAIL, queue="general", phone="+266696687")  # withheld
    db.session.add(task)
    db.session.commit()
    task_queue.queue_task(task)  # in line however it got there: the sweep would not do it
    contact = f"callback:{task.id}"
    view = accepted(ana)["callback"]

    refused = call_back(ana, contact)

    assert view["number"] == "+266696687"
    assert refused.status_code == 409
    assert "not called back (withheld)" in refused.get_json()["error"]
    assert finish(ana, contact, "no_number").get_json()["state"] == "available"
    assert len(twilio_api.calls) == 0
