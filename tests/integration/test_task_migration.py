"""Migration 0005 makes room for one open task per number without losing a message: the
duplicates already stored are folded into each number's oldest open task."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db, make_engine
from app.models import Task, TaskKind
from app.services import schema

REC = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE%d"
OLD_TASK = """INSERT INTO tasks (id, kind, status, queue, phone, language, recording_url,
 recording_seconds, notes, callback_refused, created_at)
 VALUES (:id, :kind, :status, 'general', :phone, 'en', :url, :seconds, :notes, :refused,
 '2026-11-24 15:00:00+00:00')"""
CUSTOMER, PREMIUM, LIMITED = "+14155550123", "+19005551234", "+14155550142"
STORED = [  # as 0004 let them pile up
    {"id": 1, "kind": "callback", "phone": CUSTOMER, "url": "", "seconds": 0, "notes": "asked"},
    {"id": 2, "kind": "voicemail", "phone": CUSTOMER, "url": REC % 2, "seconds": 12, "notes": "b"},
    {"id": 3, "kind": "voicemail", "phone": CUSTOMER, "url": REC % 3, "seconds": 7, "notes": ""},
    {"id": 4, "kind": "callback", "phone": CUSTOMER, "status": "done"},
    {"id": 5, "kind": "voicemail", "phone": PREMIUM, "url": REC % 5, "refused": "number_type"},
    {"id": 6, "kind": "voicemail", "phone": PREMIUM, "url": REC % 6, "refused": "number_type"},
    {"id": 7, "kind": "voicemail", "phone": LIMITED, "url": REC % 7, "refused": "hourly_limit"},
]


def stored(row: dict[str, object]) -> dict[str, object]:
    defaults = {"status": "open", "url": "", "seconds": 0, "notes": "", "refused": ""}
    return {**defaults, **row}


def tasks_after_upgrading_from_0004(database_url: str) -> dict[int, dict[str, object]]:
    schema.downgrade(database_url, "0004")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(OLD_TASK), [stored(row) for row in STORED])
    schema.upgrade(database_url)
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT * FROM tasks ORDER BY id")).mappings().all()
    engine.dispose()
    return {row["id"]: dict(row) for row in rows}


def test_a_numbers_open_tasks_are_folded_into_its_oldest_and_nothing_is_lost(database_url):
    tasks = tasks_after_upgrading_from_0004(database_url)

    kept = tasks[1]
    assert (kept["status"], kept["kind"], kept["recording_url"]) == ("open", "voicemail", REC % 2)
    assert kept["recording_seconds"] == 12
    for line in ("asked", f"Another message (7 s): {REC % 3}", "From task 2: b"):
        assert line in kept["notes"]
    assert "Tasks 2, 3 merged into this one." in kept["notes"]
    for merged in (tasks[2], tasks[3]):
        assert merged["status"] == "done" and merged["closed_at"] is not None
        assert "merged into task 1" in merged["notes"]
    assert tasks[4]["status"] == "done" and tasks[4]["notes"] == ""  # closed before: untouched


def test_a_refused_numbers_messages_are_folded_together_and_stay_refused(database_url):
    tasks = tasks_after_upgrading_from_0004(database_url)

    assert (tasks[5]["status"], tasks[5]["callback_refused"]) == ("open", "number_type")
    assert REC % 6 in tasks[5]["notes"]
    assert tasks[6]["status"] == "done"


def test_a_message_refused_only_by_a_limit_goes_to_agents_after_the_upgrade(database_url):
    tasks = tasks_after_upgrading_from_0004(database_url)

    assert (tasks[7]["status"], tasks[7]["callback_refused"]) == ("open", "")
    assert "Left while callbacks were refused (hourly_limit)" in tasks[7]["notes"]


def test_the_database_refuses_a_second_open_task_for_a_number(app):
    db.session.add(Task(kind=TaskKind.CALLBACK, queue="general", phone=CUSTOMER))
    db.session.commit()

    db.session.add(Task(kind=TaskKind.VOICEMAIL, queue="billing", phone=CUSTOMER))

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
