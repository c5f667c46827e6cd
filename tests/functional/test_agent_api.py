"""Agents take calls through the API: log in, be available, see traces, accept, wrap up."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from routing.model import Presence
from tests.functional.agent_calls import (
    answered_call,
    call_back,
    call_placed,
    callback_waiting,
    member_redirected,
    queued_caller,
    wrapping_up,
)
from tests.functional.voice import destination, twiml


def test_wrong_password_is_refused(client):
    token = client.get("/api/session").get_json()["csrf_token"]

    response = client.post(
        "/api/session",
        json={"email": "nobody@example.com", "password": "x"},
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 401


def test_a_change_without_the_csrf_token_is_refused(desk, client):
    response = client.put("/api/agent/presence", json={"state": "available"})

    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]


def test_logged_out_requests_get_401(client):
    assert client.get("/api/agent/queues").status_code == 401


def test_agent_sees_waiting_callers_in_priority_order_with_their_traces(desk, twilio_post, app):
    wrapping_up(app, desk)  # at work, so nobody is offered
    caller = queued_caller(twilio_post)

    body = desk.call("GET", "/api/agent/queues").get_json()

    general = next(q for q in body["queues"] if q["queue"] == "general")
    [contact] = general["contacts"]
    assert contact["contact_id"] == caller["CallSid"]
    assert any(line.startswith("waited") for line in contact["trace"])


def test_accepting_redirects_the_caller_out_of_twilios_queue_to_ring_the_agent(
    desk, twilio_post, twilio_api, app
):
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])

    response = desk.call("POST", "/api/agent/accept")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["contact_id"] == caller["CallSid"]
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert sent["Method"] == ["POST"]
    connect_url = sent["Url"][0]
    assert "/voice/connect?" in connect_url
    ring = twiml(twilio_post(connect_url.removeprefix("https://helpline.example.com"), caller))
    assert ring.find("Dial/Client").text == "agent_ana"
    presence = app.extensions["routing.store"].presence(desk.id)
    assert presence.state is Presence.BUSY


def test_a_call_already_taken_gets_409(desk, twilio_post, twilio_api, app):
    wrapping_up(app, desk)
    caller = queued_caller(twilio_post)
    app.extensions["routing.store"].take(caller["CallSid"], "someone-else")
    desk.call("PUT", "/api/agent/presence", state="available")

    response = desk.call("POST", "/api/agent/accept", contact_id=caller["CallSid"])

    assert response.status_code == 409


def test_when_twilio_fails_the_caller_keeps_their_place(desk, twilio_post, twilio_api, app):
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    member_redirected(twilio_api, caller["CallSid"], status=500)

    response = desk.call("POST", "/api/agent/accept")

    assert response.status_code == 502
    assert app.extensions["routing.store"].entry(caller["CallSid"]).state == "waiting"


def test_agent_who_does_not_answer_is_set_away_and_the_caller_goes_back(
    desk, twilio_post, twilio_api, app
):
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    desk.call("POST", "/api/agent/accept")
    path = f"/voice/connect-result?agent={desk.id}&c={caller['CallSid']}&q=general&l=en"

    root = twiml(twilio_post(path, {**caller, "DialCallStatus": "no-answer"}))

    assert destination(root) == ("queue", "general")
    store = app.extensions["routing.store"]
    assert store.entry(caller["CallSid"]).state == "waiting"
    assert store.presence(desk.id).state is Presence.AWAY


def test_answered_call_is_recorded_and_wrap_up_makes_the_agent_available(
    desk, twilio_post, twilio_api, app
):
    caller = answered_call(desk, twilio_post, twilio_api)

    response = desk.call(
        "POST",
        "/api/agent/finish",
        contact_id=caller["CallSid"],
        wrap_up_code="billing_question",
        notes="Explained the late fee.",
    )

    assert response.status_code == 200
    interaction = db.session.scalars(select(Interaction)).one()
    assert (interaction.agent_id, interaction.wrap_up_code) == (int(desk.id), "billing_question")
    store = app.extensions["routing.store"]
    assert store.presence(desk.id).state is Presence.AVAILABLE
    stats = store.stats("general")
    assert (stats.answered, stats.handled) == (1, 1)


def test_agent_who_is_not_available_cannot_take_a_call(desk, twilio_post):
    queued = desk.call("POST", "/api/agent/accept")

    assert queued.status_code == 409


def test_queue_metrics_show_waiting_answered_and_agents(desk, twilio_post, twilio_api, runner):
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    queued_caller(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    desk.call("POST", "/api/agent/accept", contact_id=caller["CallSid"])
    twiml(twilio_post(f"/voice/whisper?agent={desk.id}&c={caller['CallSid']}", caller))

    result = runner.invoke(args=["queues", "--json"])

    general = next(row for row in json.loads(result.output) if row["queue"] == "general")
    assert general["waiting"] == 1
    assert general["answered"] == 1
    assert general["service_level"] == 1.0
    assert general["agents"] == {"busy": 1}


def test_agent_without_the_skill_cannot_take_a_call_from_that_queue(desk, twilio_post, app):
    wrapping_up(app, desk)
    caller = queued_caller(twilio_post)
    entry = app.extensions["routing.store"].entry(caller["CallSid"])
    app.extensions["routing.store"].enqueue(
        caller["CallSid"],
        "general",
        score=entry.score,
        arrival=entry.arrival,
        payload={**entry.payload, "skills": ["mandarin"]},
        replace=True,
    )
    desk.call("PUT", "/api/agent/presence", state="available")

    response = desk.call("POST", "/api/agent/accept", contact_id=caller["CallSid"])

    assert response.status_code == 403


def test_heartbeat_keeps_an_available_agent_logged_in(desk):
    desk.call("PUT", "/api/agent/presence", state="available")

    response = desk.call("POST", "/api/agent/heartbeat")

    assert response.get_json() == {"logged_in": True}


def test_accepting_a_callback_calls_nobody_and_shows_the_number_and_its_story(
    desk, twilio_post, app
):
    caller = callback_waiting(desk, app, twilio_post)

    response = desk.call("POST", "/api/agent/accept")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["kind"], body["status"].split(":")[0]) == ("callback", "accepted")
    callback = body["callback"]
    assert (callback["number"], callback["country"], callback["region"]) == (
        caller["From"],
        "United States",
        "US",
    )
    assert callback["number_type"] == "fixed_line_or_mobile"
    assert callback["asked_how"] == "a callback after waiting in line for general"
    assert (callback["asked_from"], callback["calls_made"]) == (caller["From"], 0)
    assert app.extensions["routing.store"].presence(desk.id).state is Presence.BUSY
    # No request reached Twilio's API: the twilio_api fixture would have refused it.


def test_calling_back_calls_the_customer_and_rings_the_agent_when_they_answer(
    desk, twilio_post, twilio_api, app
):
    caller = callback_waiting(desk, app, twilio_post)
    contact_id = desk.call("POST", "/api/agent/accept").get_json()["contact_id"]
    call_placed(twilio_api, caller["From"])

    response = call_back(desk, contact_id)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["call_sid"] == "CA" + "9" * 32
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert (sent["To"], sent["From"]) == ([caller["From"]], ["+15558675310"])
    answered = twiml(
        twilio_post(sent["Url"][0].removeprefix("https://helpline.example.com"), caller)
    )
    assert "returning your call" in " ".join(s.text for s in answered.iter("Say"))
    assert answered.find("Dial/Client").text == "agent_ana"
