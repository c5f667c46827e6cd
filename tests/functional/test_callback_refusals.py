"""Numbers we never call back: the caller is told why, plainly, and offered a person or a
message instead, wherever a callback is promised (a callback node, the hold menu's
"press 1", the end of the ladder)."""

from __future__ import annotations

import pytest

from app.services.agents import offer_sweeper
from app.services.calls.hold_messages import say_text
from routing.entries import EntryState
from tests.functional.callbacks import (
    COMOROS,
    PREMIUM,
    RECORDING,
    SATELLITE,
    TWILIO_NUMBER,
    all_tasks,
    ask_after_hours,
    leave_a_message,
    offered_a_person_or_a_message,
)
from tests.functional.queue_calls import hold, queue_caller, store
from tests.functional.voice import (
    CLOSED,
    FALLBACK,
    MAIN_LINE,
    destination,
    gather_action,
    says,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params

THE_PROMISE = "We'll call you back"  # the main flow's after-hours callback prompt

REFUSED = pytest.mark.parametrize(
    ("phone", "heard"),
    [
        (PREMIUM, "we can't call back that number"),
        (SATELLITE, "we can't call back that number"),
        (COMOROS, "we only call back numbers in the countries we serve"),
        (TWILIO_NUMBER, "we can't call back that number"),
        (FALLBACK, "we can't call back that number"),
        (MAIN_LINE, "we can't call back that number"),  # a number our flows answer
        ("+266696687", "Your number is withheld"),
    ],
)


@pytest.fixture
def ours(app):  # type: ignore[no-untyped-def]
    """The app, with its own Twilio number set."""
    app.config["TWILIO_NUMBER"] = TWILIO_NUMBER
    return app


@REFUSED
def test_a_callback_node_refuses_the_number_and_offers_a_person_or_a_message(
    ours, twilio_post, phone, heard
):
    _, root = ask_after_hours(ours, twilio_post, phone)

    assert all_tasks() == []
    assert heard in spoken(root)
    assert THE_PROMISE not in spoken(root)
    offered_a_person_or_a_message(root)


def test_silence_or_any_other_key_at_the_offer_reaches_a_person(ours, twilio_post):
    params, root = ask_after_hours(ours, twilio_post, PREMIUM)
    url = offered_a_person_or_a_message(root)

    pressed = twiml(twilio_post(url, {**params, "Digits": "1"}))
    garbled = twiml(twilio_post(url, {**params, "Digits": "*"}))

    assert destination(pressed) == ("dial", FALLBACK)
    assert destination(garbled) == ("dial", FALLBACK)
    assert all_tasks() == []


def test_a_message_left_instead_is_kept_for_a_person_and_never_promises_a_call(
    ours, twilio_post, center
):
    params, root = ask_after_hours(ours, twilio_post, PREMIUM)

    done = leave_a_message(twilio_post, offered_a_person_or_a_message(root), params)

    task = all_tasks()[0]
    assert (task.kind, task.phone, task.callback_refused) == ("voicemail", PREMIUM, "number_type")
    assert says(done) == [("en-US", say_text("en", "message_kept"))]
    assert done.find("Hangup") is not None
    assert offer_sweeper.sweep().tasks_queued == 0  # a person listens; nobody dials it
    assert center.entry(f"callback:{task.id}") is None


def test_a_spanish_caller_hears_the_refusal_in_spanish(ours, twilio_post):
    ours.config["CLOCK"] = lambda: CLOSED
    params = call_params(To=MAIN_LINE, From=PREMIUM)
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(gather_action(first), {**params, "Digits": "2"}))
    root = twiml(twilio_post(gather_action(menu), {**params, "Digits": "1"}))

    offered_a_person_or_a_message(root)
    assert {language for language, _ in says(root)} == {"es-US"}
    assert say_text("es", "refused_number") in spoken(root)


@REFUSED
def test_a_caller_on_hold_is_not_offered_a_callback_to_a_refused_number(
    ours, line, twilio_post, phone, heard
):
    staff_queues(line, presence="busy")  # a long wait: a callback would be offered
    caller = queue_caller(twilio_post, phone)

    root = hold(twilio_post, caller)

    assert "estimated wait is about 4 minutes" in spoken(root)
    assert root.find("Gather") is None


@REFUSED
def test_pressing_1_on_hold_from_a_refused_number_keeps_the_callers_place(
    ours, line, twilio_post, phone, heard
):
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post, phone)
    form = {k: v for k, v in caller.items() if not k.startswith("_")}

    root = twiml(twilio_post(f"/voice/hold-key?q={caller['_queue']}&l=en", {**form, "Digits": "1"}))

    assert heard in spoken(root)
    assert "You keep your place in line." in spoken(root)
    assert root.find("Leave") is None
    assert store(line).entry(caller["CallSid"]).state is EntryState.WAITING
    assert all_tasks() == []


@REFUSED
def test_at_the_end_of_the_ladder_a_refused_number_is_offered_a_person_or_a_message(
    ours, twilio_post, phone, heard
):
    params = call_params(From=phone)
    unanswered = {**params, "DialCallStatus": "no-answer"}
    record = twiml(twilio_post("/voice/fallback-result?l=en", unanswered))

    root = twiml(twilio_post(record.find("Redirect").text, params))  # nothing recorded

    assert says(record) == [("en-US", say_text("en", "no_answer_no_callback"))]
    assert all_tasks() == []
    assert heard in spoken(root)
    offered_a_person_or_a_message(root)


def test_a_message_left_at_the_end_of_the_ladder_from_a_refused_number_promises_nothing(
    ours, twilio_post
):
    params = call_params(From=SATELLITE)
    record = twiml(twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "busy"}))
    recorded = {
        **params,
        "RecordingUrl": "https://api.twilio.com/rec/RE9",
        "RecordingDuration": "7",
    }

    done = twiml(twilio_post(record.find("Record").get("action"), recorded))

    task = all_tasks()[0]
    assert (task.kind, task.callback_refused) == ("voicemail", "no_country")
    assert says(done) == [("en-US", say_text("en", "message_kept"))]


UNLISTED_LINE = "+14155550100"  # a number of ours the default flow answers, listed nowhere


def a_call_to_our_unlisted_line(**overrides: str) -> dict[str, str]:
    """A call to UNLISTED_LINE, as Twilio names it (To and Called), with TWILIO_NUMBER unset."""
    return call_params(To=UNLISTED_LINE, Called=UNLISTED_LINE, **overrides)


def test_a_callback_to_the_number_the_caller_dialled_is_refused(app, twilio_post):
    params = a_call_to_our_unlisted_line(From=UNLISTED_LINE)

    _, root = ask_after_hours(app, twilio_post, UNLISTED_LINE, params)

    assert all_tasks() == []
    assert "we can't call back that number" in spoken(root)
    assert THE_PROMISE not in spoken(root)
    offered_a_person_or_a_message(root)


def test_on_hold_the_number_the_caller_dialled_is_neither_offered_nor_given_a_callback(
    line, twilio_post
):
    staff_queues(line, presence="busy")
    params = a_call_to_our_unlisted_line(From=UNLISTED_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    queued = twiml(twilio_post(gather_action(first), {**params, "Digits": "0"}))
    queue = destination(queued)[1]
    waiting = {**params, "QueueTime": "10", "QueuePosition": "1", "QueueSid": "QU" + "1" * 32}

    held = twiml(twilio_post(f"/voice/hold?q={queue}&l=en", waiting))
    pressed = twiml(twilio_post(f"/voice/hold-key?q={queue}&l=en", {**params, "Digits": "1"}))

    assert held.find("Gather") is None
    assert "we can't call back that number" in spoken(pressed)
    assert pressed.find("Leave") is None
    assert all_tasks() == []


def test_a_message_left_from_the_number_the_caller_dialled_promises_no_call(app, twilio_post):
    params = a_call_to_our_unlisted_line(From=UNLISTED_LINE)
    record = twiml(twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "busy"}))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "9"}

    done = twiml(twilio_post(record.find("Record").get("action"), recorded))

    assert says(record) == [("en-US", say_text("en", "no_answer_no_callback"))]
    assert says(done) == [("en-US", say_text("en", "message_kept"))]
    assert [(t.phone, t.callback_refused) for t in all_tasks()] == [(UNLISTED_LINE, "ours")]


def test_a_refused_numbers_messages_join_its_one_open_task(ours, twilio_post):
    heard = []
    for n in range(3):
        params = call_params(From=PREMIUM)
        record = twiml(
            twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "busy"})
        )
        recorded = {**params, "RecordingUrl": f"{RECORDING}{n}", "RecordingDuration": "5"}
        heard.append(says(twiml(twilio_post(record.find("Record").get("action"), recorded))))

    task = all_tasks()
    assert [(t.phone, t.callback_refused) for t in task] == [(PREMIUM, "number_type")]
    assert task[0].recording_url == f"{RECORDING}0"
    assert f"{RECORDING}1" in task[0].notes and f"{RECORDING}2" in task[0].notes
    assert heard == [[("en-US", say_text("en", "message_kept"))]] * 3
