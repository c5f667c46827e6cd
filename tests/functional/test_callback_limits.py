"""One open callback task per number, and hourly limits per number and for all numbers.

A second request from a number refreshes its open task; requests past a limit are refused
(the caller offered a person or a message); without Redis nothing can be counted, so no
callback is promised and the caller is offered a person.
"""

from __future__ import annotations

from app.extensions import db
from app.models import TaskStatus, utcnow
from app.services.agents import offer_sweeper
from app.services.calls.hold_messages import say_text
from routing.entries import EntryState
from routing.store import RemovalReason
from tests.functional.callbacks import (
    RECORDING,
    all_tasks,
    ask_after_hours,
    offered_a_person_or_a_message,
)
from tests.functional.queue_calls import hold, leave, queue_caller
from tests.functional.voice import (
    CLOSED,
    MAIN_LINE,
    OPEN,
    gather_action,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params, signed_post, unused_port

CUSTOMER = "+14155550142"
NEIGHBOUR = "+12025550143"
THE_PROMISE = "We'll call you back"  # the main flow's after-hours callback prompt


def test_a_second_request_from_the_same_number_refreshes_its_one_open_task(app, twilio_post):
    ask_after_hours(app, twilio_post, CUSTOMER)

    params, again = ask_after_hours(app, twilio_post, CUSTOMER)

    task = all_tasks()
    assert len(task) == 1
    assert task[0].phone == CUSTOMER
    assert f"asked again for a callback (call {params['CallSid']})" in task[0].notes
    assert THE_PROMISE in spoken(again)


def test_a_callback_given_up_after_its_calls_goes_back_in_line_when_asked_again(
    app, center, redis_client, twilio_post
):
    ask_after_hours(app, twilio_post, CUSTOMER)
    offer_sweeper.sweep()
    task = all_tasks()[0]
    contact = f"callback:{task.id}"
    for sid, status in (("CA1", "no-answer"), ("CA2", "busy"), ("CA3", "no-answer")):
        redis_client.hset(f"helpline:callback-attempts:{contact}", sid, status)
    center.remove(contact, RemovalReason.CANCELLED)  # given up: out of line, task open
    task.given_up_at = utcnow()
    db.session.commit()
    assert offer_sweeper.sweep().tasks_queued == 0

    ask_after_hours(app, twilio_post, CUSTOMER)

    assert [t.id for t in all_tasks()] == [task.id]
    assert center.entry(contact).state is EntryState.WAITING
    assert not redis_client.exists(f"helpline:callback-attempts:{contact}")
    db.session.refresh(task)
    assert task.given_up_at is None  # the sweep may put it in line again


def test_a_caller_on_hold_with_an_open_callback_keeps_that_one_task(line, center, twilio_post):
    ask_after_hours(line, twilio_post, CUSTOMER)
    line.config["CLOCK"] = lambda: OPEN
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post, CUSTOMER)
    form = {k: v for k, v in caller.items() if not k.startswith("_")}
    twiml(twilio_post(f"/voice/hold-key?q={caller['_queue']}&l=en", {**form, "Digits": "1"}))

    done = leave(twilio_post, caller)

    task = all_tasks()
    assert len(task) == 1
    assert center.entry(f"callback:{task[0].id}").state is EntryState.WAITING
    assert spoken(done) == say_text("en", "callback_kept")


def test_a_message_from_a_number_with_an_open_callback_goes_with_that_task(app, twilio_post):
    ask_after_hours(app, twilio_post, CUSTOMER)
    params = call_params(From=CUSTOMER)
    record = twiml(twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "busy"}))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "12"}

    done = twiml(twilio_post(record.find("Record").get("action"), recorded))

    task = all_tasks()
    assert len(task) == 1
    assert (task[0].kind, task[0].recording_url, task[0].recording_seconds) == (
        "voicemail",
        RECORDING,
        12,
    )
    assert spoken(done) == say_text("en", "thanks_message")


def test_requests_from_one_number_past_its_hourly_limit_are_refused(app, twilio_post):
    app.config["CALLBACK_LIMIT_PER_NUMBER"] = 1
    ask_after_hours(app, twilio_post, CUSTOMER)
    all_tasks()[0].status = TaskStatus.DONE  # an agent called them back and closed it
    db.session.commit()

    _, root = ask_after_hours(app, twilio_post, CUSTOMER)

    assert len(all_tasks()) == 1
    assert "we can't take another callback request right now" in spoken(root)
    assert THE_PROMISE not in spoken(root)
    offered_a_person_or_a_message(root)


def test_past_the_hourly_limit_for_all_numbers_callbacks_are_refused(app, twilio_post):
    app.config["CALLBACK_LIMIT_PER_HOUR"] = 1
    ask_after_hours(app, twilio_post, CUSTOMER)

    _, root = ask_after_hours(app, twilio_post, NEIGHBOUR)

    assert [task.phone for task in all_tasks()] == [CUSTOMER]
    assert "we can't take another callback request right now" in spoken(root)
    offered_a_person_or_a_message(root)


def test_pressing_1_on_hold_then_leaving_the_queue_is_one_request(line, center, twilio_post):
    line.config["CALLBACK_LIMIT_PER_NUMBER"] = 1
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post, CUSTOMER)
    form = {k: v for k, v in caller.items() if not k.startswith("_")}
    pressed = twiml(
        twilio_post(f"/voice/hold-key?q={caller['_queue']}&l=en", {**form, "Digits": "1"})
    )

    done = leave(twilio_post, caller)

    assert pressed.find("Leave") is not None
    assert spoken(done) == say_text("en", "callback_kept")
    assert [task.phone for task in all_tasks()] == [CUSTOMER]


def test_on_hold_past_the_limit_the_caller_hears_why_and_keeps_their_place(line, twilio_post):
    line.config["CALLBACK_LIMIT_PER_HOUR"] = 0  # callbacks turned off
    staff_queues(line, presence="busy")
    caller = queue_caller(twilio_post, CUSTOMER)
    form = {k: v for k, v in caller.items() if not k.startswith("_")}

    root = twiml(twilio_post(f"/voice/hold-key?q={caller['_queue']}&l=en", {**form, "Digits": "1"}))

    assert root.find("Leave") is None
    assert "we can't take another callback request right now" in spoken(root)
    assert "You keep your place in line." in spoken(root)
    assert hold(twilio_post, caller).find("Leave") is None  # still waiting for a person


def test_without_redis_no_callback_is_promised_and_the_caller_is_offered_a_person(
    make_app, database_url
):
    app = make_app(DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{unused_port()}/0")
    app.config["CLOCK"] = lambda: CLOSED
    client = app.test_client()
    params = call_params(To=MAIN_LINE, From=CUSTOMER)
    first = twiml(signed_post(client, "/voice/incoming", params))
    menu = twiml(signed_post(client, gather_action(first), {**params, "Digits": "1"}))

    root = twiml(signed_post(client, gather_action(menu), {**params, "Digits": "1"}))

    offered_a_person_or_a_message(root)
    assert THE_PROMISE not in spoken(root)
    with app.app_context():
        assert all_tasks() == []


def test_a_message_left_while_redis_is_down_reaches_an_agent_once_it_is_back(
    app, center, make_app, database_url
):
    down = make_app(DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{unused_port()}/0")
    down.config["CLOCK"] = lambda: CLOSED
    client = down.test_client()
    params = call_params(To=MAIN_LINE, From=CUSTOMER)
    first = twiml(signed_post(client, "/voice/incoming", params))
    menu = twiml(signed_post(client, gather_action(first), {**params, "Digits": "1"}))
    refused = twiml(signed_post(client, gather_action(menu), {**params, "Digits": "1"}))
    offer = offered_a_person_or_a_message(refused)
    record = twiml(signed_post(client, offer, {**params, "Digits": "2"}))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "12"}

    done = twiml(signed_post(client, record.find("Record").get("action"), recorded))

    assert spoken(done) == say_text("en", "thanks_message")  # not "we can't call you back"
    task = all_tasks()[0]
    assert (task.phone, task.callback_refused) == (CUSTOMER, "")
    assert offer_sweeper.sweep().tasks_queued == 1  # Redis is back: an agent gets it
    assert center.entry(f"callback:{task.id}").state is EntryState.WAITING


def test_a_message_left_past_the_hourly_limit_reaches_an_agent_now(app, center, twilio_post):
    app.config["CALLBACK_LIMIT_PER_HOUR"] = 2
    for spoofed in ("+12025550101", "+12025550102"):  # someone uses the hour's callbacks up
        ask_after_hours(app, twilio_post, spoofed)
    params = call_params(From=CUSTOMER)
    record = twiml(twilio_post("/voice/fallback-result?l=en", {**params, "DialCallStatus": "busy"}))
    recorded = {**params, "RecordingUrl": RECORDING, "RecordingDuration": "12"}

    done = twiml(twilio_post(record.find("Record").get("action"), recorded))

    assert spoken(done) == say_text("en", "thanks_message")
    message = all_tasks()[-1]
    assert (message.phone, message.kind, message.callback_refused) == (CUSTOMER, "voicemail", "")
    assert offer_sweeper.sweep().tasks_queued == 3
    assert center.entry(f"callback:{message.id}").state is EntryState.WAITING
