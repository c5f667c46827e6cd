"""A callback to a number the caller types: keypad digits are read in ``DEFAULT_REGION``."""

from __future__ import annotations

import pytest

from app.services.calls.flow_registry import FlowRegistry
from tests.functional.callbacks import all_tasks, offered_a_person_or_a_message
from tests.functional.voice import gather_action, spoken, twiml
from tests.support import call_params

CALLBACK_LINE = "+15558675399"
CALLBACK_FLOW = """
description: Callback request line
default: true
numbers: ["+15558675399"]
languages: [en]
start: ask_number
escape: general_queue

nodes:
  ask_number:
    type: collect
    variable: callback_number
    prompt: Please type the number we should call you back on.
    validate: {pattern: "^[0-9]{7,15}$"}
    next: call_me_back
  call_me_back:
    type: callback
    queue: general
    number_variable: callback_number
    prompt: Thank you. We will call you back at that number.
    next: goodbye
  goodbye:
    type: hangup
    prompt: Goodbye.
  general_queue: {type: queue, queue: general}
"""


@pytest.fixture
def callback_line(app, write_flow):  # type: ignore[no-untyped-def]
    """The app answering the callback request line, which asks for a number to call."""
    path = write_flow(CALLBACK_FLOW, name="callback_line")
    app.extensions["ivr.flows"] = FlowRegistry(path.parent)
    return app


def type_a_number(twilio_post, digits: str):  # type: ignore[no-untyped-def]
    params = call_params(To=CALLBACK_LINE, From="+12025550100")
    asked = twiml(twilio_post("/voice/incoming", params))
    return params, twiml(twilio_post(gather_action(asked), {**params, "Digits": digits}))


def test_a_typed_national_number_is_called_back_in_e164(callback_line, twilio_post):
    _, root = type_a_number(twilio_post, "4155550123")

    task = all_tasks()[0]
    assert (task.kind, task.phone) == ("callback", "+14155550123")
    assert "We will call you back at that number." in spoken(root)


def test_a_typed_premium_rate_number_is_refused_with_a_person_or_a_message(
    callback_line, twilio_post
):
    _, root = type_a_number(twilio_post, "9005551234")

    assert all_tasks() == []
    assert "We will call you back" not in spoken(root)
    assert "we can't call back that number" in spoken(root)
    offered_a_person_or_a_message(root)
