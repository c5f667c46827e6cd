"""Legs that end unanswered: a callback nobody picks up, an agent who misses a leg, a caller
who hangs up while the agent's phone rings, and a fault on the agent's own leg."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Task, TaskKind, TaskStatus
from app.services.agents import offer_sweeper
from app.services.calls.hold_messages import say_text
from routing.model import Presence
from routing.store import EntryState
from tests.functional.agent_calls import path_of
from tests.functional.callback_calls import (
    CUSTOMER,
    accepts_callback,
    an_hour_passes,
    asks_for_a_callback,
    call_ended,
    customer_answers,
    two_agents,
)
from tests.functional.desks import hire
from tests.functional.voice import MAIN_LINE, says, twiml
from tests.support import PUBLIC_BASE_URL, call_params


@pytest.fixture
def ana_and_ben(app, center, clock):  # type: ignore[no-untyped-def]
    """Ana, idle longest, is offered contacts first; Ben is available too."""
    return two_agents(app, clock)


def test_a_callback_is_placed_with_a_status_callback_for_its_final_status(
    ana_and_ben, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)

    placed = accepts_callback(ana, twilio_api)

    status_url = placed["StatusCallback"][0]
    assert status_url.startswith(f"{PUBLIC_BASE_URL}/voice/callback-status?")
    assert parse_qs(urlsplit(status_url).query)["c"] == [contact]
    assert placed["StatusCallbackEvent"] == ["completed"]
    assert placed["StatusCallbackMethod"] == ["POST"]


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
def test_a_callback_the_customer_does_not_pick_up_waits_an_hour_and_frees_its_agent(
    ana_and_ben, center, twilio_post, twilio_api, status, caplog
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)

    ended = call_ended(twilio_post, placed, status)

    assert ended.status_code == 200
    assert center.presence(ana.id).state is Presence.AVAILABLE
    assert ana.offer() is None and ben.offer() is None  # not rung again at once
    assert center.entry(contact).state is EntryState.CANCELLED
    assert offer_sweeper.sweep().tasks_queued == 0  # the store remembers it for an hour
    assert f"the customer did not pick up ({status}): call 1 of 3" in caplog.text
    assert db.session.scalars(select(Task)).one().status is TaskStatus.OPEN


def test_an_hour_after_a_callback_not_picked_up_it_is_offered_again(
    ana_and_ben, center, twilio_post, twilio_api, redis_client
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    call_ended(twilio_post, accepts_callback(ana, twilio_api), "no-answer")
    offered_meanwhile = (ana.offer(), ben.offer())

    an_hour_passes(redis_client, contact)

    assert offered_meanwhile == (None, None)
    entry = center.entry(contact)
    assert entry.state is EntryState.OFFERED and entry.accepted_at is None
    assert {ana.id, ben.id} >= {entry.agent_id}


def test_a_replayed_status_callback_puts_the_callback_back_once(
    ana_and_ben, center, twilio_post, twilio_api, redis_client
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    first = accepts_callback(ana, twilio_api)
    call_ended(twilio_post, first, "no-answer")
    call_ended(twilio_post, first, "no-answer")  # replayed at once: still out of line
    ana.call("PUT", "/api/agent/presence", state="away")
    an_hour_passes(redis_client, contact)
    accepts_callback(ben, twilio_api)

    call_ended(twilio_post, first, "no-answer")

    entry = center.entry(contact)
    assert (entry.state, entry.agent_id) == (EntryState.OFFERED, ben.id)
    assert entry.accepted_at is not None
    assert center.presence(ben.id).state is Presence.BUSY
    assert redis_client.hlen(f"helpline:callback-attempts:{contact}") == 1


def test_a_late_report_of_an_earlier_call_leaves_the_same_agents_new_call_alone(
    ana_and_ben, center, clock, twilio_post, twilio_api, redis_client
):
    ana, ben = ana_and_ben
    ben.call("PUT", "/api/agent/presence", state="away")
    contact = asks_for_a_callback(twilio_post)
    first = accepts_callback(ana, twilio_api)
    call_ended(twilio_post, first, "busy")
    clock.advance(30)
    an_hour_passes(redis_client, contact)
    accepts_callback(ana, twilio_api)  # offered to Ana again: nobody else is available

    call_ended(twilio_post, first, "busy")

    assert center.entry(contact).accepted_at is not None
    assert center.presence(ana.id).state is Presence.BUSY


def test_after_three_calls_not_picked_up_the_callback_leaves_the_line_and_its_task_stays_open(
    app, center, clock, twilio_post, twilio_api, redis_client
):
    ana = hire(app, "Ana Torres")
    app.config["TWILIO_NUMBER"] = MAIN_LINE
    ana.available()
    contact = asks_for_a_callback(twilio_post)

    for call in range(3):
        if call:
            an_hour_passes(redis_client, contact)
        call_ended(twilio_post, accepts_callback(ana, twilio_api), "no-answer")

    assert center.entry(contact).state is EntryState.CANCELLED
    assert ana.offer() is None
    assert center.presence(ana.id).state is Presence.AVAILABLE
    task = db.session.scalars(select(Task)).one()
    db.session.refresh(task)
    assert task.status is TaskStatus.OPEN
    assert "not reached after 3 callback calls" in task.notes
    # Once the store forgets it, the sweep that puts open tasks in line leaves it alone,
    # even after Redis forgets its calls (a week later): the task says it was given up.
    redis_client.delete(f"helpline:contact:{contact}")
    assert offer_sweeper.sweep().tasks_queued == 0
    redis_client.delete(f"helpline:callback-attempts:{contact}")
    assert offer_sweeper.sweep().tasks_queued == 0
    assert center.entry(contact) is None
    assert task.given_up_at is not None


def test_the_status_callback_after_a_conversation_changes_nothing(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    form, action = customer_answers(twilio_post, placed)
    twiml(twilio_post(f"/voice/whisper?agent={ana.id}&c={contact}", form))
    twiml(twilio_post(action, {**form, "DialCallStatus": "completed"}))

    call_ended(twilio_post, placed, "completed")

    assert center.entry(contact).state is EntryState.ANSWERED
    assert center.presence(ana.id).state is Presence.BUSY  # until they wrap up


def test_an_agent_who_misses_the_callback_leg_is_set_away_and_it_goes_to_the_next_agent(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    form, action = customer_answers(twilio_post, placed)
    missed = {**form, "DialCallStatus": "no-answer", "DialCallDuration": "0"}

    root = twiml(twilio_post(action, missed))
    ana.available()
    twiml(twilio_post(action, missed))  # replayed: Ana, back, is not set away again

    assert "call you back" in root.find("Say").text
    assert center.presence(ana.id).state is Presence.AVAILABLE
    offer = ben.offer()
    assert offer is not None and offer["contact_id"] == contact
    assert offer["offer_trace"][0] == "Ana Torres did not answer the callback: set away"


def test_a_customer_who_hangs_up_while_the_agent_rings_counts_as_a_call_and_waits_an_hour(
    ana_and_ben, center, twilio_post, twilio_api, redis_client, caplog
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    form, action = customer_answers(twilio_post, placed)

    twiml(twilio_post(action, {**form, "DialCallStatus": "no-answer", "CallStatus": "completed"}))
    call_ended(twilio_post, placed, "completed")

    assert center.presence(ana.id).state is Presence.AVAILABLE
    assert ben.offer() is None
    assert center.entry(contact).state is EntryState.CANCELLED
    assert "the customer hung up before an agent answered: call 1 of 3" in caplog.text
    assert redis_client.hlen(f"helpline:callback-attempts:{contact}") == 1


def test_a_spanish_customer_hears_the_callback_in_spanish(app, center, twilio_post, twilio_api):
    rosa = hire(app, "Rosa Delgado", skills={"spanish": 5}, languages=("en", "es"))
    app.config["TWILIO_NUMBER"] = MAIN_LINE
    rosa.available()
    task = Task(kind=TaskKind.CALLBACK, queue="spanish", phone=CUSTOMER, language="es")
    db.session.add(task)
    db.session.commit()
    offer_sweeper.sweep()
    placed = accepts_callback(rosa, twilio_api)
    form = call_params(CallSid=placed["sid"][0], From=MAIN_LINE, To=CUSTOMER)
    greeting = twiml(twilio_post(path_of(placed["Url"][0]), form))
    action = greeting.find("Dial").get("action")

    missed = twiml(twilio_post(action, {**form, "DialCallStatus": "no-answer"}))

    assert says(greeting) == [("es-US", say_text("es", "callback_hello"))]
    assert says(missed) == [("es-US", say_text("es", "callback_missed"))]
