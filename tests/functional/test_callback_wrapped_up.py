"""A callback wrapped up, or taken back, while its customer's phone rings: the call is
stopped, and a customer who picks up anyway is never put through to the agent."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import responses

from app.services.calls.hold_messages import say_text
from routing.model import Presence
from tests.functional.agent_calls import API, call_resource, finish, path_of
from tests.functional.callback_calls import (
    CUSTOMER,
    accepts_callback,
    asks_for_a_callback,
    customer_answers,
    two_agents,
)
from tests.functional.voice import FALLBACK, MAIN_LINE, destination, spoken, twiml
from tests.support import call_params


@pytest.fixture
def ana_and_ben(app, center, clock):  # type: ignore[no-untyped-def]
    return two_agents(app, clock)


def call_updated(twilio_api, sid: str, status: str, http_status: int = 200) -> None:
    """Twilio's API answers ``POST .../Calls/{sid}.json`` (Update a Call): the Call resource
    as it is after the update, or Twilio's error shape."""
    if http_status == 200:
        body = {**call_resource(sid, CUSTOMER), "status": status, "direction": "outbound-api"}
    else:
        body = {
            "code": 20404,
            "message": f"The requested resource /Calls/{sid}.json was not found",
            "more_info": "https://www.twilio.com/docs/errors/20404",
            "status": http_status,
        }
    twilio_api.add(responses.POST, f"{API}/Calls/{sid}.json", json=body, status=http_status)


def customer_picks_up(twilio_post, url: str, sid: str):  # type: ignore[no-untyped-def]
    """The customer answers the call we placed: Twilio fetches its TwiML from ``url``."""
    form = {
        **call_params(CallSid=sid, From=MAIN_LINE, To=CUSTOMER),
        "Direction": "outbound-api",
        "CallStatus": "in-progress",
    }
    return twiml(twilio_post(path_of(url), form))


def test_wrapping_up_a_callback_whose_call_still_rings_asks_twilio_to_cancel_it(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    sid = placed["sid"][0]
    call_updated(twilio_api, sid, "canceled")

    done = finish(ana, contact, "no_answer")

    assert (done.status_code, done.get_json()["state"]) == (200, "available")
    update = twilio_api.calls[-1].request
    assert update.url == f"{API}/Calls/{sid}.json"
    assert parse_qs(update.body) == {"Status": ["canceled"]}


def test_a_customer_who_picks_up_after_the_wrap_up_hears_an_apology_and_reaches_a_person(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    call_updated(twilio_api, placed["sid"][0], "canceled")
    assert finish(ana, contact, "no_answer").status_code == 200

    root = customer_picks_up(twilio_post, placed["Url"][0], placed["sid"][0])  # too late

    assert say_text("en", "callback_gone") in spoken(root)
    assert root.find("Dial/Client") is None
    assert destination(root) == ("dial", FALLBACK)
    assert center.presence(ana.id).state is Presence.AVAILABLE


def test_a_customer_already_on_the_line_at_the_wrap_up_is_told_why_instead_of_ringing_on(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    sid = placed["sid"][0]
    customer_answers(twilio_post, placed)  # Ana's phone rings now
    call_updated(twilio_api, sid, "in-progress")  # canceling leaves an answered call alone
    call_updated(twilio_api, sid, "in-progress")

    assert finish(ana, contact, "changed_my_mind").status_code == 200

    redirect = parse_qs(twilio_api.calls[-1].request.body)
    assert redirect["Method"] == ["POST"]
    root = customer_picks_up(twilio_post, redirect["Url"][0], sid)
    assert say_text("en", "callback_gone") in spoken(root)
    assert destination(root) == ("dial", FALLBACK)


def test_when_twilio_cannot_stop_the_call_the_wrap_up_still_frees_the_agent(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    call_updated(twilio_api, placed["sid"][0], "", http_status=404)

    done = finish(ana, contact, "no_answer")

    assert (done.status_code, done.get_json()["state"]) == (200, "available")
    root = customer_picks_up(twilio_post, placed["Url"][0], placed["sid"][0])
    assert root.find("Dial/Client") is None


def test_a_customer_who_picks_up_a_callback_taken_back_from_its_agent_hears_we_will_call_again(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, ben = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    center.return_offered(contact, ana.id)  # back in its place, for the next agent

    root = customer_picks_up(twilio_post, placed["Url"][0], placed["sid"][0])

    assert spoken(root) == say_text("en", "callback_again")
    assert root.find("Dial") is None and root.find("Hangup") is not None


def test_a_callback_wrapped_up_after_the_conversation_leaves_the_call_alone(
    ana_and_ben, center, twilio_post, twilio_api
):
    ana, _ = ana_and_ben
    contact = asks_for_a_callback(twilio_post)
    placed = accepts_callback(ana, twilio_api)
    form, _ = customer_answers(twilio_post, placed)
    twiml(twilio_post(f"/voice/whisper?agent={ana.id}&c={contact}", form))  # Ana picks up

    assert finish(ana, contact, "resolved").status_code == 200

    assert len(twilio_api.calls) == 1  # the call placed; nothing asked to end it
