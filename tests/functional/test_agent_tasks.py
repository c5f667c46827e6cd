"""The console's task list: open voicemails and callbacks, claimed, taken to call back, or
closed with a note; only by an agent of the task's queue, and not from another's claim."""

from __future__ import annotations

from app.extensions import db
from app.models import Task, TaskKind, TaskStatus
from tests.functional.agent_calls import call_back, call_placed
from tests.functional.desks import hire

CUSTOMER = "+14155550199"


def open_task(queue: str = "general", phone: str = CUSTOMER, refused: str = "") -> Task:
    task = Task(
        kind=TaskKind.VOICEMAIL,
        queue=queue,
        phone=phone,
        recording_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        recording_seconds=42,
        callback_refused=refused,
    )
    db.session.add(task)
    db.session.commit()
    return task


def tasks(desk):  # type: ignore[no-untyped-def]
    response = desk.call("GET", "/api/agent/tasks")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_my_queues_open_voicemails_are_listed_with_their_recording(desk):
    task = open_task()

    listed = tasks(desk)

    assert listed["mine"] == []
    [shown] = listed["queues"]
    assert (shown["task_id"], shown["recording_seconds"], shown["may_call_back"]) == (
        task.id,
        42,
        True,
    )
    assert shown["recording_url"].endswith("/Recordings/RE1")


def test_a_claimed_task_is_mine_and_another_agent_may_not_act_on_it(desk, app):
    task = open_task()
    ben = hire(app, "Ben Carter")

    claimed = desk.call("POST", f"/api/agent/tasks/{task.id}/claim")
    by_ben = ben.call("POST", f"/api/agent/tasks/{task.id}/close", note="mine now")

    assert claimed.status_code == 200
    assert claimed.get_json()["task"]["claimed_by"]["name"] == "Ana Torres"
    assert [t["task_id"] for t in tasks(desk)["mine"]] == [task.id]
    assert by_ben.status_code == 403


def test_a_task_of_a_queue_i_do_not_serve_is_refused(app, desk):
    task = open_task(queue="billing")
    ben = hire(app, "Ben Carter")  # no billing skill

    assert ben.call("POST", f"/api/agent/tasks/{task.id}/claim").status_code == 403


def test_closing_keeps_the_note_and_a_closed_task_is_a_409(desk):
    task = open_task()
    note = "<i>Listened</i>: no action needed"

    closed = desk.call("POST", f"/api/agent/tasks/{task.id}/close", note=note)
    again = desk.call("POST", f"/api/agent/tasks/{task.id}/claim")

    assert closed.status_code == 200
    db.session.refresh(task)
    assert task.status is TaskStatus.DONE
    assert task.notes.endswith(note)
    assert again.status_code == 409
    assert "already closed" in again.get_json()["error"]


def test_a_claimed_task_is_called_back_in_two_steps(desk, twilio_api, app):
    app.config["TWILIO_NUMBER"] = "+15558675310"
    task = open_task()
    desk.call("PUT", "/api/agent/presence", state="available")
    desk.call("POST", f"/api/agent/tasks/{task.id}/claim")

    taken = desk.call("POST", f"/api/agent/tasks/{task.id}/take")
    call_placed(twilio_api, CUSTOMER)
    called = call_back(desk, f"callback:{task.id}")

    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["callback"]["number"] == CUSTOMER
    assert called.status_code == 200, called.get_json()


def test_a_refused_number_is_shown_with_the_reason_and_cannot_be_taken(desk):
    task = open_task(refused="number_type")
    desk.call("PUT", "/api/agent/presence", state="available")
    desk.call("POST", f"/api/agent/tasks/{task.id}/claim")

    shown = tasks(desk)["mine"][0]
    taken = desk.call("POST", f"/api/agent/tasks/{task.id}/take")

    assert (shown["may_call_back"], shown["refused_because"]) == (False, "number_type")
    assert taken.status_code == 409


def test_an_unknown_task_is_a_404(desk):
    assert desk.call("POST", f"/api/agent/tasks/{2**40}/claim").status_code == 404
    assert desk.call("POST", "/api/agent/tasks/999/close").status_code == 404
