"""Twilio retries a webhook that timed out: a replayed step answers alike and counts once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import CallStep
from tests.functional.voice import MAIN_LINE, destination, staff_queues, twiml
from tests.support import call_params, signed_post


def steps_recorded() -> list[tuple[str, str, str]]:
    """The call trail as supervisors see it: (node, event, detail), in order."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(CallStep.node_id, CallStep.event, CallStep.detail).order_by(CallStep.id)
        )
    ]


def test_twenty_replays_of_a_menu_answer_are_recorded_once_and_answered_alike(line, twilio_post):
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    action = first.find("Gather").get("action")
    answer = {**params, "Digits": "1"}
    once = twilio_post(action, answer)
    recorded_once = steps_recorded()

    replays = [twilio_post(action, answer) for _ in range(20)]

    assert {replay.data for replay in replays} == {once.data}
    assert steps_recorded() == recorded_once
    assert ("choose_language", "digits", "1") in recorded_once


def test_a_replayed_incoming_call_records_its_first_menu_once(line, twilio_post):
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    first = twilio_post("/voice/incoming", params)
    recorded_once = steps_recorded()

    again = twilio_post("/voice/incoming", params)

    assert again.data == first.data
    assert steps_recorded() == recorded_once


def test_a_replay_that_reaches_another_web_process_is_recorded_once(
    line, twilio_post, make_app, database_url
):
    staff_queues(line)
    other = make_app(DATABASE_URL=database_url)
    other.config["CLOCK"] = line.config["CLOCK"]
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    action = first.find("Gather").get("action")
    answer = {**params, "Digits": "0"}
    here = twiml(twilio_post(action, answer))
    recorded_once = steps_recorded()

    there = twiml(signed_post(other.test_client(), action, answer))

    assert destination(there) == destination(here) == ("queue", "general")
    assert steps_recorded() == recorded_once


def test_a_caller_who_hears_the_same_menu_again_has_each_answer_recorded(line, twilio_post):
    staff_queues(line)
    params = call_params(To=MAIN_LINE)
    root = twiml(twilio_post("/voice/incoming", params))
    root = twiml(twilio_post(root.find("Gather").get("action"), {**params, "Digits": "1"}))

    for _ in range(2):  # an invalid key twice: the menu again, then a person
        root = twiml(twilio_post(root.find("Gather").get("action"), {**params, "Digits": "7"}))

    answers = db.session.scalar(
        select(func.count()).where(CallStep.node_id == "main_menu", CallStep.event == "digits")
    )
    assert answers == 2
