"""Every contact an agent can accept can be wrapped up, whatever the record holds: the agent
is available again and the task, if any, is closed, never left to be dialed again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Direction, Interaction, InteractionChannel, Task, TaskKind, TaskStatus
from app.services.agents import offer_sweeper
from routing.model import Presence
from tests.functional.agent_calls import finish, member_redirected
from tests.functional.callback_calls import (
    CUSTOMER,
    accepts_callback,
    asks_for_a_callback,
    customer_answers,
)
from tests.functional.desks import call_in, call_redirected, hire
from tests.functional.queue_calls import hold
from tests.functional.voice import MAIN_LINE, twiml


def answers(ana, contact: str, form: dict[str, str], twilio_post) -> None:  # type: ignore[no-untyped-def]
    """Ana picks up her leg: the whisper marks the contact answered."""
    # Twilio's request shares the test's app context, and so its session: let it read
    # what the agent's own requests wrote, as a request of its own would.
    db.session.expire_all()
    twiml(twilio_post(f"/voice/whisper?agent={ana.id}&c={contact}", form))


def takes_the_call(ana, caller: dict[str, str], twilio_post, twilio_api) -> str:  # type: ignore[no-untyped-def]
    call_redirected(twilio_api, caller)
    assert ana.call("POST", "/api/agent/accept").status_code == 200
    answers(ana, caller["CallSid"], caller, twilio_post)
    return caller["CallSid"]


def calls_back(ana, contact: str, twilio_post, twilio_api) -> str:  # type: ignore[no-untyped-def]
    assert ana.offer()["contact_id"] == contact
    form, _ = customer_answers(twilio_post, accepts_callback(ana, twilio_api))
    answers(ana, contact, form, twilio_post)
    return contact


def live_call(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    return takes_the_call(ana, call_in(twilio_post), twilio_post, twilio_api)


def restored_from_record(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    ana.wrapping_up()  # at work, so the caller waits
    caller = call_in(twilio_post)
    redis_client.delete(f"helpline:contact:{caller['CallSid']}")  # Redis lost the caller
    redis_client.delete("helpline:queue:general:waiting", "helpline:queue:general:arrivals")
    hold(twilio_post, {**caller, "_queue": "general"})  # put back from the record
    ana.available()
    member_redirected(twilio_api, caller["CallSid"])  # Twilio's queue is known from the hold
    assert ana.call("POST", "/api/agent/accept").status_code == 200
    answers(ana, caller["CallSid"], caller, twilio_post)
    return caller["CallSid"]


def callback(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    return calls_back(ana, asks_for_a_callback(twilio_post), twilio_post, twilio_api)


def voicemail(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    record = Interaction(
        channel=InteractionChannel.VOICE,
        direction=Direction.INBOUND,
        twilio_sid="CA" + "5" * 32,
        from_number=CUSTOMER,
        to_number=MAIN_LINE,
        outcome="voicemail",
    )
    db.session.add(record)
    db.session.flush()
    return _task_in_line(ana, TaskKind.VOICEMAIL, record.id, twilio_post, twilio_api)


def task_without_record(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    return _task_in_line(ana, TaskKind.CALLBACK, None, twilio_post, twilio_api)


def task_without_record_not_called(ana, twilio_post, twilio_api, redis_client) -> str:  # type: ignore[no-untyped-def]
    contact = _task_in_line(ana, TaskKind.CALLBACK, None, twilio_post, twilio_api, call=False)
    assert ana.call("POST", "/api/agent/accept").status_code == 200
    return contact


def _task_in_line(ana, kind, interaction_id, twilio_post, twilio_api, call=True) -> str:  # type: ignore[no-untyped-def]
    """A task made by the IVR (``interaction_id`` None: while the database was down)."""
    task = Task(kind=kind, queue="general", phone=CUSTOMER, interaction_id=interaction_id)
    db.session.add(task)
    db.session.commit()
    offer_sweeper.sweep()
    contact = f"callback:{task.id}"
    return calls_back(ana, contact, twilio_post, twilio_api) if call else contact


@pytest.mark.parametrize(
    "scene",
    [
        live_call,
        restored_from_record,
        callback,
        voicemail,
        task_without_record,
        task_without_record_not_called,
    ],
    ids=lambda scene: scene.__name__,
)
def test_every_contact_an_agent_accepts_can_be_wrapped_up_and_frees_the_agent(
    app, center, twilio_post, twilio_api, redis_client, scene
):
    ana = hire(app, "Ana Torres")
    app.config["TWILIO_NUMBER"] = MAIN_LINE
    ana.available()
    contact = scene(ana, twilio_post, twilio_api, redis_client)
    assert center.presence(ana.id).state is Presence.BUSY

    done = finish(ana, contact, "resolved", "Sorted out.")

    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"contact_id": contact, "state": "available"}
    assert ana.call("PUT", "/api/agent/presence", state="away").status_code == 200
    assert finish(ana, contact, "resolved").status_code == 409  # once
    records = db.session.scalars(select(Interaction).where(Interaction.wrap_up_code != "")).all()
    assert [(r.wrap_up_code, r.notes, r.agent_id) for r in records] == [
        ("resolved", "Sorted out.", int(ana.id))
    ]
    task = db.session.scalars(select(Task)).one_or_none()
    if task is not None:  # a callback or voicemail: closed, never dialed again
        db.session.refresh(task)
        assert (task.status, task.closed_by_agent_id) == (TaskStatus.DONE, int(ana.id))
        assert task.interaction_id == records[0].id
        assert offer_sweeper.sweep().tasks_queued == 0


def test_a_task_with_no_record_gets_one_for_the_call_back_and_its_answer(
    app, center, twilio_post, twilio_api, redis_client
):
    ana = hire(app, "Ana Torres")
    app.config["TWILIO_NUMBER"] = MAIN_LINE
    ana.available()

    contact = task_without_record(ana, twilio_post, twilio_api, redis_client)

    task = db.session.scalars(select(Task)).one()
    record = db.session.get(Interaction, task.interaction_id)
    assert (record.direction, record.from_number, record.to_number) == (
        Direction.OUTBOUND,
        MAIN_LINE,
        CUSTOMER,
    )
    assert (record.outcome, record.agent_id) == ("answered", int(ana.id))
    assert contact == f"callback:{task.id}"
