"""Callback and voicemail tasks reach agents: the sweep puts every open task in line."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Task, TaskKind, TaskStatus, utcnow
from app.services.agents import offer_sweeper
from app.services.callbacks import task_queue
from routing.store import EntryState
from tests.functional.desks import hire
from tests.functional.voice import CLOSED, MAIN_LINE, gather_action, twiml
from tests.support import call_params


def after_hours_callback(app, twilio_post) -> Task:  # type: ignore[no-untyped-def]
    """A caller who asked the after-hours menu for a callback: one open task."""
    app.config["CLOCK"] = lambda: CLOSED
    params = call_params(To=MAIN_LINE, From="+14155550142")
    first = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(gather_action(first), {**params, "Digits": "1"}))
    twiml(twilio_post(gather_action(menu), {**params, "Digits": "1"}))
    task: Task = db.session.scalars(select(Task)).one()
    return task


def test_an_after_hours_callback_waits_in_line_and_is_offered_to_the_next_agent_at_work(
    app, center, clock, twilio_post
):
    task = after_hours_callback(app, twilio_post)

    swept = offer_sweeper.sweep()
    waiting = center.entry(f"callback:{task.id}")
    ana = hire(app, "Ana Torres", {"billing": 3}, ("en", "es"))
    ana.available()

    assert swept.tasks_queued == 1
    assert (waiting.queue, waiting.state) == ("general", EntryState.WAITING)
    offer = ana.offer()
    assert offer is not None and offer["contact_id"] == f"callback:{task.id}"


def test_a_task_in_line_is_not_put_in_line_again(app, center, twilio_post):
    task = after_hours_callback(app, twilio_post)
    offer_sweeper.sweep()
    before = center.entry(f"callback:{task.id}")

    again = offer_sweeper.sweep()

    assert again.tasks_queued == 0
    assert center.entry(f"callback:{task.id}") == before


def test_open_tasks_redis_lost_are_put_back_in_line_and_closed_ones_are_not(
    app, center, redis_client, twilio_post
):
    task = after_hours_callback(app, twilio_post)
    done = Task(kind=TaskKind.VOICEMAIL, queue="billing", phone="+14155550143")
    done.status = TaskStatus.DONE
    db.session.add(done)
    db.session.commit()
    offer_sweeper.sweep()
    redis_client.flushdb()  # Redis restarted with nothing

    swept = offer_sweeper.sweep()

    assert swept.tasks_queued == 1
    assert center.entry(f"callback:{task.id}").state is EntryState.WAITING
    assert center.entry(f"callback:{done.id}") is None


def open_task(phone: str, kind: TaskKind = TaskKind.CALLBACK) -> Task:
    task = Task(kind=kind, queue="general", phone=phone)
    db.session.add(task)
    db.session.commit()
    return task


def test_callbacks_given_up_never_keep_a_newer_task_out_of_line(
    app, center, redis_client, monkeypatch
):
    monkeypatch.setattr(
        "app.services.callbacks.task_queue.BATCH", 2
    )  # fewer per read than given up
    given_up = [open_task(f"+1415555010{n}") for n in range(3)]
    for task in given_up:  # three calls not picked up: a person has these now
        redis_client.hset(f"helpline:callback-attempts:callback:{task.id}", "CA1", "no-answer")
        redis_client.hset(f"helpline:callback-attempts:callback:{task.id}", "CA2", "busy")
        redis_client.hset(f"helpline:callback-attempts:callback:{task.id}", "CA3", "failed")
    new = open_task("+14155550199", TaskKind.VOICEMAIL)

    queued = task_queue.queue_open_tasks(limit=2)

    assert queued == 1
    assert center.entry(f"callback:{new.id}").state is EntryState.WAITING
    assert all(center.entry(f"callback:{task.id}") is None for task in given_up)


def test_a_task_whose_number_cannot_be_called_back_is_not_put_in_line(app, center):
    withheld = open_task("+266696687", TaskKind.VOICEMAIL)
    anonymous = open_task("anonymous", TaskKind.VOICEMAIL)

    swept = offer_sweeper.sweep()

    assert swept.tasks_queued == 0
    assert center.entry(f"callback:{withheld.id}") is None
    assert center.entry(f"callback:{anonymous.id}") is None


@pytest.mark.parametrize("phone", ["+19005551234", "+882161234567", "+2693212345", "+15005550006"])
def test_a_task_whose_number_the_callback_policy_refuses_is_not_put_in_line(app, center, phone):
    task = open_task(phone, TaskKind.VOICEMAIL)

    swept = offer_sweeper.sweep()

    assert swept.tasks_queued == 0
    assert center.entry(f"callback:{task.id}") is None


def test_a_message_kept_from_a_number_refused_at_the_time_is_never_put_in_line(app, center):
    refused = open_task("+14155550177", TaskKind.VOICEMAIL)
    refused.callback_refused = "country"  # CALLBACK_COUNTRIES left the US out when it was left
    db.session.commit()

    swept = offer_sweeper.sweep()

    assert swept.tasks_queued == 0
    assert center.entry(f"callback:{refused.id}") is None


def test_the_sweep_never_reads_again_the_tasks_it_can_never_put_in_line(app, center):
    for n in range(40):  # messages from numbers we never call back: a person reads them
        refused = open_task(f"+1900555{n:04d}", TaskKind.VOICEMAIL)
        refused.callback_refused = "number_type"
    for n in range(5):  # customers not reached after every call: a person has these
        open_task(f"+1415555{n:04d}").given_up_at = utcnow()
    db.session.commit()
    new = open_task("+14155550199", TaskKind.VOICEMAIL)
    read: list[int] = []
    listen = event.listens_for(Task, "load")(lambda task, _: read.append(task.id))
    db.session.expunge_all()

    queued = task_queue.queue_open_tasks()

    event.remove(Task, "load", listen)
    assert queued == 1
    assert read == [new.id]
    assert center.entry(f"callback:{new.id}").state is EntryState.WAITING
