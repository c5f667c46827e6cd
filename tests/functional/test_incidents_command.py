"""``helpline incidents``: open prints the id, updates and notes build the timeline, resolve
ends it, list shows it; every change is in the audit log; bad requests are refused plainly."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Incident, IncidentState


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["incidents", *args])


def opened(runner, *args: str) -> int:  # type: ignore[no-untyped-def]
    result = run(runner, "open", *args)
    assert result.exit_code == 0, result.output
    return int(result.output.strip())


def test_open_prints_the_id_and_the_scope_is_kept(runner) -> None:
    number = opened(
        runner,
        "Power outage in Springfield",
        "--regions",
        "Springfield, Shelbyville,,",
        "--services",
        "electricity",
        "--severity",
        "critical",
    )

    listed = json.loads(run(runner, "list", "--json").output)["incidents"]

    assert [i["id"] for i in listed] == [number]
    assert listed[0]["regions"] == ["Springfield", "Shelbyville"]
    assert listed[0]["services"] == ["electricity"] and listed[0]["service_areas"] == []
    assert (listed[0]["severity"], listed[0]["state"]) == ("critical", "investigating")
    assert listed[0]["updates"][0]["body"] == "Power outage in Springfield"


def test_updates_move_the_state_notes_stay_internal_and_resolve_ends_it(runner) -> None:
    number = opened(runner, "Broadband down", "--message", "We are looking into it.")

    run(runner, "update", str(number), "A fibre was cut.", "--state", "identified")
    run(runner, "update", str(number), "Splice crew booked", "--internal")
    resolved = run(runner, "resolve", str(number), "All clear.", "--es", "Todo resuelto.")

    assert resolved.exit_code == 0, resolved.output
    incident = db.session.scalars(select(Incident)).one()
    assert incident.state is IncidentState.RESOLVED and incident.resolved_at is not None
    timeline = [(u.state.value, u.public, u.body) for u in incident.updates]
    assert timeline == [
        ("investigating", True, "We are looking into it."),
        ("identified", True, "A fibre was cut."),
        ("identified", False, "Splice crew booked"),
        ("resolved", True, "All clear."),
    ]
    assert incident.updates[-1].translations == {"es": "Todo resuelto."}
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["incident.open", "incident.update", "incident.note", "incident.resolve"]
    text = run(runner, "list").output
    assert "resolved" in text and "Broadband down [everyone] - All clear." in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", "   "), "The title is empty."),
        (("open", "x" * 201), "The title is 201 characters; at most 200."),
        (("open", "Outage", "--regions", "a" * 65), "A region is at most 64"),
        (("update", "99", "Hello"), "There is no incident 99."),
        (("resolve", "99"), "There is no incident 99."),
    ],
)
def test_bad_requests_are_refused_with_a_plain_reason(runner, args, message) -> None:
    result = run(runner, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalars(select(Incident)).all() == []


def test_a_resolved_incident_takes_no_more_public_updates_but_a_note(runner) -> None:
    number = opened(runner, "Gas leak")
    run(runner, "resolve", str(number))

    again = run(runner, "resolve", str(number))
    update = run(runner, "update", str(number), "Still smells")
    note = run(runner, "update", str(number), "Post-mortem on Monday", "--internal")

    assert again.exit_code == update.exit_code == 1
    assert "resolved already" in again.output and "open a new incident" in update.output
    assert note.exit_code == 0


def test_an_internal_note_cannot_change_the_state(runner) -> None:
    number = opened(runner, "Gas leak")

    result = run(runner, "update", str(number), "x", "--internal", "--state", "monitoring")

    assert result.exit_code == 1 and "does not change the incident's state" in result.output
