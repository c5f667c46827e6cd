"""What supervisors see and steer: closed switches, containment and drop-off."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.calls.switches import set_switch
from app.services.supervision.ivr_stats import flow_stats
from tests.functional.voice import MAIN_LINE, OPEN, spoken, staff_queues, twiml
from tests.support import call_params


@pytest.fixture
def open_app(app):
    app.config["CLOCK"] = lambda: OPEN
    staff_queues(app)
    return app


def walk(twilio_post, presses: list[str], status: str = "completed") -> dict[str, str]:
    """A whole call: incoming, one answer per press, then the final status."""
    params = call_params(To=MAIN_LINE)
    root = twiml(twilio_post("/voice/incoming", params))
    for keys in presses:
        root = twiml(twilio_post(root.find("Gather").get("action"), {**params, "Digits": keys}))
    twilio_post("/voice/status", {**params, "CallStatus": status, "CallDuration": "30"})
    return params


def test_closing_the_line_by_switch_sends_callers_to_the_after_hours_menu(open_app, twilio_post):
    set_switch("main_line_closed", True)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))

    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "1"}))

    assert "call you back when we open" in spoken(root)


def test_reopening_the_line_brings_back_the_main_menu(open_app, twilio_post):
    set_switch("main_line_closed", True)
    set_switch("main_line_closed", False)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))

    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "1"}))

    assert "For billing and payments" in spoken(root)


def test_stats_count_handovers_containment_and_where_callers_dropped(open_app, twilio_post):
    walk(twilio_post, ["1", "0"])  # to a person from the main menu
    walk(twilio_post, ["1"])  # hung up at the main menu
    walk(twilio_post, ["1"])  # hung up at the main menu
    walk(twilio_post, [])  # hung up at the language question

    [main] = flow_stats(db.session)

    assert main.calls == 4
    assert main.to_people == {"queued": 1}
    assert main.ended_in_ivr == 3
    assert main.containment == pytest.approx(0.75)
    assert main.dropped_at == {"main_menu": 2, "choose_language": 1}


def test_a_call_still_in_the_menu_is_not_counted_as_dropped(open_app, twilio_post):
    params = call_params(To=MAIN_LINE)
    twiml(twilio_post("/voice/incoming", params))

    [main] = flow_stats(db.session)

    assert (main.calls, main.in_progress, main.ended_in_ivr) == (1, 1, 0)
