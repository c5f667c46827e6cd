"""The agent's leg of a live call: a ring missed, a caller gone while it rang, a fault when
the agent picks up."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses
from redis.exceptions import ConnectionError as RedisConnectionError

from routing.model import Presence
from routing.store import EntryState
from tests.functional.agent_calls import API, call_resource, path_of
from tests.functional.desks import call_in, hire
from tests.functional.voice import MAIN_LINE, twiml
from tests.support import call_params


def rings_ana(ana, caller, twilio_post, twilio_api) -> str:  # type: ignore[no-untyped-def]
    """Ana accepts the caller, whose TwiML now rings her; the Dial's action URL."""
    twilio_api.add(
        responses.POST,
        f"{API}/Calls/{caller['CallSid']}.json",
        json={**call_resource(caller["CallSid"], MAIN_LINE), "status": "in-progress"},
    )
    assert ana.call("POST", "/api/agent/accept").status_code == 200
    url = parse_qs(twilio_api.calls[-1].request.body)["Url"][0]
    return twiml(twilio_post(path_of(url), caller)).find("Dial").get("action")


@pytest.mark.parametrize("status_first", [True, False])
def test_an_agent_whose_caller_hangs_up_while_their_phone_rings_is_available_again(
    app, center, twilio_post, twilio_api, status_first
):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    action = rings_ana(ana, caller, twilio_post, twilio_api)
    ended = {**caller, "CallStatus": "completed", "CallDuration": "40"}

    if status_first:
        twilio_post("/voice/status", ended)
    root = twiml(twilio_post(action, {**ended, "DialCallStatus": "no-answer"}))
    if not status_first:
        twilio_post("/voice/status", ended)

    assert root.find("Enqueue") is None
    assert center.presence(ana.id).state is Presence.AVAILABLE
    assert center.entry(caller["CallSid"]).state is EntryState.ABANDONED


def test_a_replayed_missed_ring_does_not_set_the_agent_away_again(
    app, center, twilio_post, twilio_api
):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    action = rings_ana(ana, caller, twilio_post, twilio_api)
    missed = {**caller, "CallStatus": "in-progress", "DialCallStatus": "no-answer"}
    twiml(twilio_post(action, missed))
    assert center.presence(ana.id).state is Presence.AWAY
    ana.available()

    root = twiml(twilio_post(action, missed))

    assert root.find("Enqueue") is not None  # the caller is still told where they wait
    assert center.presence(ana.id).state is Presence.AVAILABLE


def test_a_store_fault_when_the_agent_picks_up_still_bridges_the_call(
    app, center, twilio_post, twilio_api, monkeypatch, caplog
):
    ana = hire(app, "Ana Torres")
    ana.available()
    caller = call_in(twilio_post)
    rings_ana(ana, caller, twilio_post, twilio_api)

    def redis_down(*args: object, **kwargs: object) -> None:
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(center, "answer", redis_down)
    leg = call_params(Direction="outbound-dial", ParentCallSid=caller["CallSid"])

    root = twiml(twilio_post(f"/voice/whisper?agent={ana.id}&c={caller['CallSid']}", leg))

    assert len(root) == 0  # an empty <Response/>: no apology, no fallback dial
    assert leg["CallSid"] in caplog.text


@pytest.mark.parametrize("contact", ["callback:99999999999", "callback:x", "callback:"])
def test_a_forged_callback_id_on_an_agents_leg_is_no_error_on_any_database(
    line, twilio_post, caplog, contact
):
    # Signed URLs the app never makes; PostgreSQL refused an id beyond its integer range.
    for path in ("/voice/whisper", "/voice/callback-connect", "/voice/callback-status"):
        leg = call_params(CallStatus="no-answer", Direction="outbound-api")

        response = twilio_post(f"{path}?agent=1&c={contact}&t=1.0", leg)

        assert response.status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
