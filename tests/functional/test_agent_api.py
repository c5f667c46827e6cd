"""Agents take calls through the API: log in, be available, see traces, accept, wrap up."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction, Task, TaskStatus, User
from routing.model import Presence
from tests.functional.desks import two_agents_and_a_caller
from tests.functional.voice import MAIN_LINE, OPEN, destination, staff_queues, twiml
from tests.support import ACCOUNT_SID, call_params

QUEUE_SID = "QU" + "1" * 32
API = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"


@pytest.fixture
def desk(app, client):
    """The app with queues, one agent (password "secret") logged in via the API."""
    app.config["CLOCK"] = lambda: OPEN
    agent_id = staff_queues(app, presence="offline")
    user = db.session.scalars(select(User)).one()
    user.set_password("secret")
    db.session.commit()
    token = client.get("/api/session").get_json()["csrf_token"]
    response = client.post(
        "/api/session",
        json={"email": "ana@example.com", "password": "secret"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_json()

    class Desk:
        id = agent_id

        def call(self, method: str, path: str, **body):  # type: ignore[no-untyped-def]
            return client.open(path, method=method, json=body, headers={"X-CSRFToken": token})

    return Desk()


def queued_caller(twilio_post) -> dict[str, str]:  # type: ignore[no-untyped-def]
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "0"}))
    assert destination(root)[0] == "queue"
    hold = {**params, "QueueSid": QUEUE_SID, "QueueTime": "5", "QueuePosition": "1"}
    twiml(twilio_post("/voice/hold?q=general&l=en", hold))
    return params


def wrapping_up(app, desk) -> None:  # type: ignore[no-untyped-def]
    """At work but offered nothing, as a call leaves the agent (agents cannot choose it)."""
    app.extensions["routing.store"].set_presence(desk.id, Presence.WRAP_UP)


def answered_call(desk, twilio_post, twilio_api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller the desk's agent accepted and answered: the agent is busy with them."""
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    assert desk.call("POST", "/api/agent/accept").status_code == 200
    twiml(twilio_post(f"/voice/whisper?agent={desk.id}&c={caller['CallSid']}", caller))
    return caller


def member_redirected(twilio_api, call_sid: str, status: int = 200) -> None:
    twilio_api.add(
        responses.POST,
        f"{API}/Queues/{QUEUE_SID}/Members/{call_sid}.json",
        json={
            "call_sid": call_sid,
            "date_enqueued": "Thu, 26 Nov 2026 10:00:00 +0000",
            "position": 1,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Queues/{QUEUE_SID}/Members/{call_sid}.json",
            "wait_time": 12,
            "queue_sid": QUEUE_SID,
        }
        if status == 200
        else {"code": 20500, "message": "Internal Server Error", "status": 500},
        status=status,
    )


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


def call_resource(sid: str, to: str) -> dict[str, object]:
    """A Call resource as Twilio's API returns it on create (common fields)."""
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "direction": "outbound-api",
        "from": "+15558675310",
        "sid": sid,
        "status": "queued",
        "to": to,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}.json",
    }


def callback_waiting(desk, app, twilio_post, twilio_api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller who pressed 1 on hold to be called back; Twilio will place the call."""
    app.config["TWILIO_NUMBER"] = "+15558675310"
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    form = {**caller, "QueueResult": "leave", "QueueTime": "200"}
    twiml(twilio_post("/voice/hold-key?q=general&l=en", {**caller, "Digits": "1"}))
    twiml(twilio_post("/voice/queue-exit?q=general&l=en", form))
    twilio_api.add(
        responses.POST,
        f"{API}/Calls.json",
        json=call_resource("CA" + "9" * 32, caller["From"]),
        status=201,
    )
    return caller


def test_taking_a_callback_calls_the_customer_and_rings_the_agent_when_they_answer(
    desk, twilio_post, twilio_api, app
):
    caller = callback_waiting(desk, app, twilio_post, twilio_api)

    response = desk.call("POST", "/api/agent/accept")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["kind"] == "callback"
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert (sent["To"], sent["From"]) == ([caller["From"]], ["+15558675310"])
    answered = twiml(
        twilio_post(sent["Url"][0].removeprefix("https://helpline.example.com"), caller)
    )
    assert "returning your call" in " ".join(s.text for s in answered.iter("Say"))
    assert answered.find("Dial/Client").text == "agent_ana"


def finish(desk, contact_id: str, code: str = "resolved", notes: str = "") -> Any:  # type: ignore[no-untyped-def]
    return desk.call(
        "POST", "/api/agent/finish", contact_id=contact_id, wrap_up_code=code, notes=notes
    )


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
    callback_waiting(desk, app, twilio_post, twilio_api)
    contact_id = desk.call("POST", "/api/agent/accept").get_json()["contact_id"]
    twiml(twilio_post(f"/voice/whisper?agent={desk.id}&c={contact_id}", call_params()))
    assert finish(desk, contact_id, "called_back").status_code == 200

    again = finish(desk, contact_id, "spam")

    assert again.status_code == 409
    task = db.session.scalars(select(Task)).one()
    assert (task.status, task.closed_by_agent_id) == (TaskStatus.DONE, int(desk.id))
    assert db.session.scalars(select(Interaction)).one().wrap_up_code == "called_back"


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
