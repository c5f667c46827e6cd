"""The agent API as the tests drive it: Ana's desk, callers in line, Twilio's REST answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import responses
from sqlalchemy import select

from app.extensions import db
from app.models import User
from routing.model import Presence
from tests.functional.voice import MAIN_LINE, OPEN, destination, staff_queues, twiml
from tests.support import ACCOUNT_SID, PUBLIC_BASE_URL, call_params

QUEUE_SID = "QU" + "1" * 32
API = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"


def call_resource(sid: str, to: str) -> dict[str, object]:
    """The Call resource Twilio's API answers ``POST .../Calls.json`` with (201)."""
    uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}"
    return {
        "account_sid": ACCOUNT_SID,
        "annotation": None,
        "answered_by": None,
        "api_version": "2010-04-01",
        "caller_name": None,
        "date_created": "Tue, 24 Nov 2026 15:00:00 +0000",
        "date_updated": "Tue, 24 Nov 2026 15:00:00 +0000",
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": MAIN_LINE,
        "from_formatted": "(555) 867-5310",
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PN" + "2" * 32,
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "payments": f"{uri}/Payments.json",
            "events": f"{uri}/Events.json",
            "siprec": f"{uri}/Siprec.json",
            "streams": f"{uri}/Streams.json",
            "transcriptions": f"{uri}/Transcriptions.json",
            "user_defined_message_subscriptions": f"{uri}/UserDefinedMessageSubscriptions.json",
            "user_defined_messages": f"{uri}/UserDefinedMessages.json",
        },
        "to": to,
        "to_formatted": to,
        "trunk_sid": None,
        "uri": f"{uri}.json",
        "queue_time": "0",
    }


def log_in_ana(app, client):  # type: ignore[no-untyped-def]
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


def callback_waiting(desk, app, twilio_post) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller who pressed 1 on hold to be called back: offered to the desk's agent."""
    app.config["TWILIO_NUMBER"] = "+15558675310"
    desk.call("PUT", "/api/agent/presence", state="available")
    caller = queued_caller(twilio_post)
    form = {**caller, "QueueResult": "leave", "QueueTime": "200"}
    twiml(twilio_post("/voice/hold-key?q=general&l=en", {**caller, "Digits": "1"}))
    twiml(twilio_post("/voice/queue-exit?q=general&l=en", form))
    return caller


def call_placed(twilio_api, to: str, sid: str = "CA" + "9" * 32, status: int = 201) -> None:  # type: ignore[no-untyped-def]
    """Twilio's API answers ``POST .../Calls.json``: the Call resource, or an error."""
    if status == 201:
        body = call_resource(sid, to)
    else:  # Twilio's error shape
        body = {
            "code": 20500,
            "message": "Internal Server Error",
            "more_info": "https://www.twilio.com/docs/errors/20500",
            "status": status,
        }
    twilio_api.add(responses.POST, f"{API}/Calls.json", json=body, status=status)


def call_back(desk, contact_id: str) -> Any:  # type: ignore[no-untyped-def]
    """The desk asks for their accepted callback's customer to be called."""
    return desk.call("POST", "/api/agent/call-back", contact_id=contact_id)


def finish(desk, contact_id: str, code: str = "resolved", notes: str = "") -> Any:  # type: ignore[no-untyped-def]
    return desk.call(
        "POST", "/api/agent/finish", contact_id=contact_id, wrap_up_code=code, notes=notes
    )


def path_of(url: str) -> str:
    """The path and query Twilio would post to, from an absolute URL the app gave it."""
    assert url.startswith(PUBLIC_BASE_URL), url
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
