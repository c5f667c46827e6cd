"""What an agent sees of a callback before anyone calls: the number, where it rings, the story.

Caller ID is easy to spoof, so a callback is never dialed blind: the offer, the queue
listing and the accepted contact show the number with its country and type (from
``app.services.phone_numbers``), when and how the callback was asked for, the calls made
so far and how each ended, and the task's notes. The agent then calls back, or wraps the
contact up without calling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import CallStep, Interaction, Task, TaskKind
from app.services import phone_numbers
from app.services.callbacks import callback_attempts
from routing.model import CALLBACK_PREFIX
from routing.store import QueueEntry

TASK_ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # an Integer primary key: PostgreSQL refuses a larger one in a query


def task_id_of(contact_id: str) -> int | None:
    """The id of the task a ``callback:<id>`` contact stands for; None for any other id."""
    if not contact_id.startswith(CALLBACK_PREFIX):
        return None
    number = contact_id.removeprefix(CALLBACK_PREFIX)
    if not TASK_ID.fullmatch(number) or int(number) > MAX_ID:
        return None
    return int(number)


def task_for(contact_id: str) -> Task | None:
    """The task a callback contact stands for, if the database has it."""
    task_id = task_id_of(contact_id)
    return db.session.get(Task, task_id) if task_id is not None else None


def is_callback(entry: QueueEntry) -> bool:
    """Whether the contact is a callback or voicemail task (someone must call out)."""
    return entry.payload.get("kind") == "callback"


def describe(entries: Iterable[QueueEntry]) -> dict[str, dict[str, Any]]:
    """The callback view of each callback among ``entries``, by contact id, in a few reads."""
    callbacks = [entry for entry in entries if is_callback(entry)]
    if not callbacks:
        return {}
    ids = {entry.contact_id: task_id_of(entry.contact_id) for entry in callbacks}
    tasks = _by_id(Task, [task_id for task_id in ids.values() if task_id is not None])
    records = _by_id(Interaction, [t.interaction_id for t in tasks.values() if t.interaction_id])
    from_menu = _asked_in_menu(records.keys())
    made = callback_attempts.calls_made([entry.contact_id for entry in callbacks])
    views = {}
    for entry in callbacks:
        task_id = ids[entry.contact_id]
        task = tasks.get(task_id) if task_id is not None else None
        record = records.get(task.interaction_id) if task and task.interaction_id else None
        asked = _asked_how(task, record, record is not None and record.id in from_menu)
        views[entry.contact_id] = _view(entry, task, record, asked, made[entry.contact_id])
    return views


def _view(
    entry: QueueEntry,
    task: Task | None,
    record: Interaction | None,
    asked_how: str,
    made: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    number = task.phone if task is not None else str(entry.payload.get("phone", ""))
    facts = phone_numbers.facts(number)
    return {
        **_task_fields(entry, task),
        "number": number,
        "number_valid": facts.valid,
        "country": facts.country,
        "region": facts.region,
        "number_type": facts.kind,
        "asked_how": asked_how,
        # The call that asked: its caller ID need not be the number to call back.
        "asked_from": (record.from_number or None) if record is not None else None,
        "line_called": (record.to_number or None) if record is not None else None,
        "calls": [{**call, "at": _iso_seconds(call["at"])} for call in made],
        "calls_made": len(made),
        "calls_allowed": callback_attempts.CALLBACK_ATTEMPTS,
    }


def _task_fields(entry: QueueEntry, task: Task | None) -> dict[str, Any]:
    """What the task says: its kind and state, when it was made, a recording, notes."""
    if task is None:
        return {
            "task_id": None,
            "task_kind": entry.payload.get("task_kind"),
            "task_status": None,
            "asked_at": None,
            "recording_url": None,
            "recording_seconds": 0,
            "notes": "",
        }
    return {
        "task_id": task.id,
        "task_kind": task.kind.value,
        "task_status": task.status.value,
        "asked_at": _iso(task.created_at),
        "recording_url": task.recording_url or None,
        "recording_seconds": task.recording_seconds,
        "notes": task.notes,
    }


def _asked_how(task: Task | None, record: Interaction | None, in_menu: bool) -> str:
    """How the customer came to be called back, in the agent's words."""
    if task is None:
        return "unknown: the task's record is missing"
    if task.kind is TaskKind.VOICEMAIL:
        return f"left a voicemail ({task.recording_seconds} s)"
    if record is None:
        return "a callback with no record of the call that asked for it"
    if in_menu:
        return "chose a callback in the phone menu"
    routing = (record.details or {}).get("routing") or {}
    queue = routing.get("queue") or (record.details or {}).get("queue")
    if queue:
        return f"a callback after waiting in line for {queue}"
    return "a callback"


def _asked_in_menu(interaction_ids: Iterable[int]) -> set[int]:
    """Those calls whose IVR handed them over as a callback (a menu choice)."""
    wanted = list(interaction_ids)
    if not wanted:
        return set()
    found = db.session.scalars(
        select(CallStep.interaction_id).where(
            CallStep.interaction_id.in_(wanted),
            CallStep.event == "handover",
            CallStep.detail.like("callback%"),
        )
    )
    return set(found)


def _by_id(model: Any, ids: Sequence[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # stored naive, in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _iso_seconds(seconds: float | None) -> str | None:
    return _iso(datetime.fromtimestamp(seconds, UTC)) if seconds is not None else None
