"""Wrapping up, and the presence agents may choose around a call."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction, Task, TaskStatus, utcnow
from routing.model import Presence
from tests.functional.agent_calls import (
    answered_call,
    call_back,
    call_placed,
    callback_waiting,
    finish,
    queued_caller,
)
from tests.functional.desks import two_agents_and_a_caller
from tests.functional.voice import twiml
from tests.support import call_params


def test_wrapping_up_a_call_twice_is_refused_and_its_handle_time_counts_once(
    desk, twilio_post, twilio_api, app
):
    caller = answered_call(desk, twilio_post, twilio_api)
    assert finish(desk, caller["CallSid"], "billing_question", "Explained it.").status_code == 200

    again = finish(desk, caller["CallSid"], "spam", "replayed")

    assert again.status_code == 409
    assert "already wrapped up" in again.get_json()["error"]
    interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.wrap_up_code, interaction.notes) == ("billing_question", "Explained it.")
    assert app.extensions["routing.store"].stats("general").handled == 1


def test_wrapping_up_a_callback_closes_its_task_once(desk, twilio_post, twilio_api, app):
    caller = callback_waiting(desk, app, twilio_post)
    contact_id = desk.call("POST", "/api/agent/accept").get_json()["contact_id"]
    call_placed(twilio_api, caller["From"])
    assert call_back(desk, contact_id).status_code == 200
    twiml(twilio_post(f"/voice/whisper?agent={desk.id}&c={contact_id}", call_params()))
    assert finish(desk, contact_id, "called_back").status_code == 200

    again = finish(desk, contact_id, "spam")

    assert again.status_code == 409
    task = db.session.scalars(select(Task)).one()
    assert (task.status, task.closed_by_agent_id) == (TaskStatus.DONE, int(desk.id))
    assert db.session.scalars(select(Interaction)).one().wrap_up_code == "called_back"


def test_a_callback_whose_task_the_upgrade_merged_away_is_still_wrapped_up_by_its_agent(
    desk, twilio_post, app
):
    callback_waiting(desk, app, twilio_post)
    contact_id = desk.call("POST", "/api/agent/accept").get_json()["contact_id"]
    task = db.session.scalars(select(Task)).one()
    task.status, task.closed_at = TaskStatus.DONE, utcnow()  # as migration 0005 merges one
    task.notes = "Closed: a second open task for this number, merged into task 9."
    db.session.commit()

    done = finish(desk, contact_id, "duplicate")

    assert (done.status_code, done.get_json()["state"]) == (200, "available")
    db.session.refresh(task)
    assert (task.status, task.closed_by_agent_id) == (TaskStatus.DONE, None)
    assert finish(desk, contact_id, "again").status_code == 409


@pytest.mark.parametrize(
    ("who", "status"),
    [("Ben Carter", 403), ("Ana Torres", 409)],
    ids=["another agent", "the agent offered it"],
)
def test_a_caller_whose_offer_is_not_accepted_cannot_be_wrapped_up(
    app, center, clock, twilio_post, who, status
):
    ana, ben, caller = two_agents_and_a_caller(app, clock, twilio_post)
    agent = ben if who == ben.name else ana

    response = finish(agent, caller["CallSid"], "spam", "not mine")

    assert response.status_code == status
    assert response.get_json()["error"]
    interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.agent_id, interaction.wrap_up_code, interaction.ended_at) == (
        None,
        "",
        None,
    )
    assert ana.offer()["contact_id"] == caller["CallSid"]
    assert center.stats("general").handled == 0


@pytest.mark.parametrize(
    ("contact_id", "status"),
    [("callback:abc", 404), ("callback:1.5", 404), ("callback:" + "9" * 30, 404), ("", 400)],
)
def test_wrapping_up_a_malformed_or_unknown_contact_is_a_json_error(desk, contact_id, status):
    response = finish(desk, contact_id)

    assert response.status_code == status
    assert response.get_json()["error"]


@pytest.mark.parametrize("state", ["busy", "wrap_up"])
def test_an_agent_may_choose_only_available_away_or_offline(desk, app, state):
    response = desk.call("PUT", "/api/agent/presence", state=state)

    assert response.status_code == 400
    assert "available, away, offline" in response.get_json()["error"]
    assert app.extensions["routing.store"].presence(desk.id).state is Presence.OFFLINE


@pytest.mark.parametrize("state", ["available", "away"])
def test_an_agent_on_a_call_cannot_become_available_or_away_before_wrapping_it_up(
    desk, twilio_post, twilio_api, app, state
):
    answered_call(desk, twilio_post, twilio_api)
    second = queued_caller(twilio_post)

    response = desk.call("PUT", "/api/agent/presence", state=state)

    assert response.status_code == 409
    assert "wrap it up" in response.get_json()["error"]
    store = app.extensions["routing.store"]
    assert store.presence(desk.id).state is Presence.BUSY
    assert desk.call("POST", "/api/agent/accept").status_code == 409
    assert store.entry(second["CallSid"]).state == "waiting"


def test_an_agent_who_logs_off_during_a_call_stays_offline_after_wrapping_it_up(
    desk, twilio_post, twilio_api, app
):
    caller = answered_call(desk, twilio_post, twilio_api)
    assert desk.call("PUT", "/api/agent/presence", state="offline").status_code == 200

    response = finish(desk, caller["CallSid"])

    assert response.get_json() == {"contact_id": caller["CallSid"], "state": "offline"}
    assert app.extensions["routing.store"].presence(desk.id).state is Presence.OFFLINE
