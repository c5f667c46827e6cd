"""Open tasks of every queue for supervisors: move one to a queue, offer it to an agent, or
close it with a note; audited.

A task waits in the routing store as ``callback:<id>`` once the offer sweep put it in line.
A task an agent holds (offered, or being called back) is theirs until they finish: it is
neither moved nor closed under them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Agent, Task, TaskStatus, User, utcnow
from app.services.calls import queueing
from app.services.calls.routing_data import queue_configs
from app.services.supervision.audit import record
from app.services.supervision.floor import FloorError
from routing.entries import EntryState, RemovalReason
from routing.model import CALLBACK_PREFIX

LIMIT = 200


def open_tasks(limit: int = LIMIT) -> list[dict[str, Any]]:
    """Open tasks, oldest first, with where each is: waiting, with an agent, or not in line."""
    tasks = db.session.scalars(
        select(Task).where(Task.status == TaskStatus.OPEN).order_by(Task.id).limit(limit)
    ).all()
    store = queueing.store()
    return [_describe(task, store.entry(CALLBACK_PREFIX + str(task.id))) for task in tasks]


def reassign(user: User, task_id: int, queue: str | None, agent_id: int | None) -> dict[str, Any]:
    """Move an open task to ``queue``, or offer it to agent ``agent_id`` now."""
    if (queue is None) == (agent_id is None):
        raise FloorError("give a queue or an agent")
    task = _open_task(task_id)
    if queue is not None:
        return _to_queue(user, task, queue)
    return _to_agent(user, task, int(agent_id or 0))


def close(user: User, task_id: int, note: str) -> dict[str, Any]:
    """Close an open task with a note saying why; its place in line goes too."""
    if not note.strip():
        raise FloorError("write a note saying why the task is closed")
    task = _open_task(task_id)
    entry = _entry(task)
    if entry is not None and entry.state is EntryState.OFFERED:
        raise FloorError("an agent has this task now: they close it at wrap-up", 409)
    if entry is not None and entry.state is EntryState.WAITING:
        queueing.store().remove(entry.contact_id, RemovalReason.CANCELLED)
    task.status = TaskStatus.DONE
    task.closed_at = utcnow()
    task.notes = f"{task.notes}\nClosed by {user.name}: {note.strip()}".strip()
    record(user, "task.close", f"task {task.id}", note.strip(), queue=task.queue, phone=task.phone)
    db.session.commit()
    return {"id": task.id, "status": task.status.value}


def _to_queue(user: User, task: Task, queue: str) -> dict[str, Any]:
    if queue not in queue_configs(db.session):
        raise FloorError(f"no queue named {queue!r}")
    entry = _entry(task)
    if entry is not None and entry.state is EntryState.OFFERED:
        raise FloorError("an agent has this task now", 409)
    if entry is not None and entry.state is EntryState.WAITING:
        # Same score and arrival: it keeps its standing, in the other line.
        queueing.store().enqueue(
            entry.contact_id,
            queue,
            score=entry.score,
            arrival=entry.arrival,
            payload=dict(entry.payload),
            replace=True,
        )
    was, task.queue = task.queue, queue
    record(user, "task.reassign", f"task {task.id}", "", was=was, queue=queue)
    db.session.commit()
    return {"id": task.id, "queue": task.queue}


def _to_agent(user: User, task: Task, agent_id: int) -> dict[str, Any]:
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        raise FloorError("no such agent", 404)
    entry = _entry(task)
    if entry is None or entry.state is not EntryState.WAITING:
        raise FloorError("the task is not waiting in line: it can be moved to a queue", 409)
    trace = [f"{user.name} gave it to {agent.name}"]
    result = queueing.store().offer(entry.contact_id, str(agent.id), trace)
    if not result.ok:
        raise FloorError(f"{agent.name} cannot be offered it now ({result.status.value})", 409)
    record(user, "task.reassign", f"task {task.id}", "", agent=f"{agent.id} {agent.name}")
    db.session.commit()
    return {"id": task.id, "offered_to": agent.name}


def _open_task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or task.status is not TaskStatus.OPEN:
        raise FloorError("no such open task", 404)
    return task


def _entry(task: Task) -> Any:
    entry = queueing.store().entry(CALLBACK_PREFIX + str(task.id))
    live = entry is not None and entry.state in (EntryState.WAITING, EntryState.OFFERED)
    return entry if live else None


def _describe(task: Task, entry: Any) -> dict[str, Any]:
    live = entry is not None and entry.state in (EntryState.WAITING, EntryState.OFFERED)
    return {
        "id": task.id,
        "kind": task.kind.value,
        "queue": task.queue,
        "phone": task.phone,
        "created_at": task.created_at.isoformat(timespec="seconds"),
        "notes": task.notes,
        "given_up": task.given_up_at is not None,
        "refused": task.callback_refused,
        "where": entry.state.value if live else "not in line",
    }
