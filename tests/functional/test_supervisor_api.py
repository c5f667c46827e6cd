"""The supervisor's JSON endpoints: who may call them, what they refuse, what they audit."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Role, Task, TaskKind, TaskStatus
from routing.model import Presence
from tests.functional.logins import Browser
from tests.functional.supervisors import Supervisor, hire

PARTS = [
    "queues",
    "today",
    "agents",
    "switches",
    "tasks",
    "weights",
    "audit",
    "deflection",
    "staffing",
]
CHANGES = [
    ("/api/supervisor/agents/1/state", {"state": "away", "reason": "x"}),
    ("/api/supervisor/switches/main_line_closed", {"on": True, "reason": "x"}),
    ("/api/supervisor/tasks/1/reassign", {"queue": "general"}),
    ("/api/supervisor/tasks/1/close", {"note": "x"}),
    ("/api/supervisor/weights/what-if", {"fields": {}}),
    ("/api/supervisor/weights", {"fields": {}, "reason": "x"}),
]


def audit_rows() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def open_task(queue: str = "general") -> Task:
    task = Task(kind=TaskKind.VOICEMAIL, queue=queue, phone="+14155550199")
    db.session.add(task)
    db.session.commit()
    return task


@pytest.fixture
def sue(app: Flask, center: Any) -> Supervisor:
    """A supervisor logged in, with the demo queues."""
    return Supervisor.logged_in(app, "sue@example.com")


@pytest.mark.parametrize("part", PARTS)
def test_every_part_refuses_the_logged_out_with_401(app: Flask, part: str) -> None:
    response = Browser.of(app).open("GET", f"/api/supervisor/{part}")

    assert response.status_code == 401


@pytest.mark.parametrize("part", PARTS)
def test_every_part_refuses_an_agent_with_403(app: Flask, part: str) -> None:
    agent = Supervisor.logged_in(app, "ana@example.com", Role.AGENT)

    response = agent.get(f"/api/supervisor/{part}")

    assert response.status_code == 403


@pytest.mark.parametrize(("path", "body"), CHANGES)
def test_every_change_refuses_an_agent_with_403_and_audits_nothing(
    app: Flask, path: str, body: dict[str, Any]
) -> None:
    agent = Supervisor.logged_in(app, "ana@example.com", Role.AGENT)

    response = agent.post(path, body)

    assert response.status_code == 403
    assert audit_rows() == []


@pytest.mark.parametrize(("path", "body"), CHANGES)
def test_every_change_refuses_the_logged_out_with_401(app: Flask, path: str, body: Any) -> None:
    stranger = Browser.of(app)
    token = stranger.token()

    response = stranger.open("POST", path, json=body, headers={"X-CSRFToken": token})

    assert response.status_code == 401


def test_a_change_without_the_csrf_token_is_refused(sue: Supervisor) -> None:
    response = sue.post(
        "/api/supervisor/switches/main_line_closed",
        {"on": True, "reason": "x"},
        headers={"X-CSRFToken": ""},
    )

    assert response.status_code == 400
    assert audit_rows() == []


def test_an_admin_sees_the_parts_too(app: Flask, center: Any) -> None:
    admin = Supervisor.logged_in(app, "ada@example.com", Role.ADMIN)

    assert admin.get("/api/supervisor/queues").status_code == 200


def test_turning_a_switch_on_closes_the_line_and_is_audited(app: Flask, sue: Supervisor) -> None:
    response = sue.post(
        "/api/supervisor/switches/main_line_closed", {"on": True, "reason": "fire drill"}
    )

    assert response.status_code == 200, response.get_json()
    switches = sue.get("/api/supervisor/switches").get_json()
    assert {"name": "main_line_closed", "on": True, "named": True} in switches
    [entry] = audit_rows()
    assert (entry.user_name, entry.action, entry.target, entry.reason) == (
        "Sue",
        "switch.on",
        "main_line_closed",
        "fire drill",
    )


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("main_line_closed", {"on": True, "reason": " "}, 400),
        ("main_line_closed", {"on": "yes", "reason": "x"}, 400),
        ("main_line_closed", ["not", "an", "object"], 400),
        ("no_such_switch", {"on": True, "reason": "x"}, 404),
    ],
)
def test_a_bad_switch_change_is_refused_and_not_audited(
    sue: Supervisor, name: str, body: Any, status: int
) -> None:
    response = sue.post(f"/api/supervisor/switches/{name}", body)

    assert response.status_code == status
    assert audit_rows() == []


def test_forcing_an_available_agent_away_is_audited(app: Flask, sue: Supervisor) -> None:
    ana = hire("ana@example.com", name="Ana")
    app.extensions["routing.store"].set_presence(str(ana.agent.id), Presence.AVAILABLE, ["general"])

    response = sue.post(
        f"/api/supervisor/agents/{ana.agent.id}/state", {"state": "away", "reason": "on break"}
    )

    assert response.status_code == 200, response.get_json()
    assert app.extensions["routing.store"].presence(str(ana.agent.id)).state is Presence.AWAY
    [entry] = audit_rows()
    assert (entry.action, entry.reason, entry.detail) == (
        "agent.state",
        "on break",
        {"was": "available", "now": "away"},
    )


@pytest.mark.parametrize("busy", [Presence.BUSY, Presence.WRAP_UP])
def test_an_agent_on_a_contact_cannot_be_forced_offline(
    app: Flask, sue: Supervisor, busy: Presence
) -> None:
    ana = hire("ana@example.com")
    app.extensions["routing.store"].set_presence(str(ana.agent.id), busy, ["general"])

    response = sue.post(
        f"/api/supervisor/agents/{ana.agent.id}/state", {"state": "offline", "reason": "x"}
    )

    assert response.status_code == 409
    assert app.extensions["routing.store"].presence(str(ana.agent.id)).state is busy
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"state": "busy", "reason": "x"}, 400),
        ({"state": "away", "reason": ""}, 400),
        ({"state": 3, "reason": "x"}, 400),
    ],
)
def test_a_bad_state_change_is_refused(sue: Supervisor, body: Any, status: int) -> None:
    ana = hire("ana@example.com")

    response = sue.post(f"/api/supervisor/agents/{ana.agent.id}/state", body)

    assert response.status_code == status
    assert audit_rows() == []


def test_forcing_an_unknown_agent_is_404(sue: Supervisor) -> None:
    response = sue.post("/api/supervisor/agents/999/state", {"state": "away", "reason": "x"})

    assert response.status_code == 404


def test_an_open_task_moves_to_another_queue_and_is_audited(sue: Supervisor) -> None:
    task = open_task()

    response = sue.post(f"/api/supervisor/tasks/{task.id}/reassign", {"queue": "billing"})

    assert response.status_code == 200, response.get_json()
    [row] = sue.get("/api/supervisor/tasks").get_json()
    assert (row["id"], row["queue"]) == (task.id, "billing")
    [entry] = audit_rows()
    assert (entry.action, entry.detail) == ("task.reassign", {"was": "general", "queue": "billing"})


@pytest.mark.parametrize(
    "body", [{"queue": "nowhere"}, {}, {"queue": "billing", "agent_id": 1}, {"agent_id": "1"}]
)
def test_a_bad_reassignment_is_refused(sue: Supervisor, body: dict[str, Any]) -> None:
    task = open_task()

    response = sue.post(f"/api/supervisor/tasks/{task.id}/reassign", body)

    assert response.status_code == 400
    assert audit_rows() == []


def test_closing_a_task_needs_a_note_then_closes_it_with_the_note(sue: Supervisor) -> None:
    task = open_task()

    refused = sue.post(f"/api/supervisor/tasks/{task.id}/close", {"note": ""})
    closed = sue.post(f"/api/supervisor/tasks/{task.id}/close", {"note": "spam call"})

    assert (refused.status_code, closed.status_code) == (400, 200)
    db.session.expire_all()
    stored = db.session.get(Task, task.id)
    assert stored.status is TaskStatus.DONE
    assert stored.notes.endswith("Closed by Sue: spam call")
    assert sue.get("/api/supervisor/tasks").get_json() == []
    [entry] = audit_rows()
    assert (entry.action, entry.target, entry.reason) == (
        "task.close",
        f"task {task.id}",
        "spam call",
    )


def test_a_closed_task_cannot_be_closed_again(sue: Supervisor) -> None:
    task = open_task()
    sue.post(f"/api/supervisor/tasks/{task.id}/close", {"note": "done"})

    response = sue.post(f"/api/supervisor/tasks/{task.id}/close", {"note": "again"})

    assert response.status_code == 404


def test_the_staffing_calculator_gives_the_agents_needed(sue: Supervisor) -> None:
    response = sue.get("/api/supervisor/staffing?calls_per_hour=100&aht=180&target=0.8&within=20")

    figures = response.get_json()
    assert response.status_code == 200
    assert figures["agents_needed"] == 8
    assert [row["agents"] for row in figures["rows"] if row["recommended"]] == [8]


@pytest.mark.parametrize(
    "query",
    [
        "calls_per_hour=x&aht=180",
        "calls_per_hour=100&aht=0",
        "calls_per_hour=100&aht=180&agents=two",
    ],
)
def test_the_staffing_calculator_refuses_bad_numbers(sue: Supervisor, query: str) -> None:
    assert sue.get(f"/api/supervisor/staffing?{query}").status_code == 400


def test_the_audit_log_pages_newest_first(sue: Supervisor) -> None:
    for n in range(30):
        sue.post("/api/supervisor/switches/main_line_closed", {"on": n % 2 == 0, "reason": f"r{n}"})

    first = sue.get("/api/supervisor/audit").get_json()
    second = sue.get("/api/supervisor/audit?page=2").get_json()

    assert (first["pages"], len(first["entries"]), len(second["entries"])) == (2, 25, 5)
    assert first["entries"][0]["reason"] == "r29"
    assert second["entries"][-1]["reason"] == "r0"
