"""The console's task list: open voicemails and callbacks, mine (claimed) and my queues'.

An agent claims a task to keep it (the offer sweep then leaves it to them, and it leaves
the live line), takes it as their contact to call the customer back through the usual two
steps (``take``, then ``POST /api/agent/call-back``), or closes it with a note. A number
the callback policy refuses is shown with the reason and is never taken to be dialled.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Task, TaskStatus, utcnow
from app.services import phone_numbers
from app.services.agents import agent_desk, desk_contact
from app.services.agents.desk_errors import DeskError
from app.services.agents.desk_view import served_queues
from app.services.callbacks import callback_desk, task_queue
from app.services.calls import queueing
from app.services.customers.profile import iso
from routing.store import EntryState, RemovalReason

LISTED = 100  # tasks per list: the oldest promises first
MAX_ID = 2**31 - 1


def tasks_for(agent: AgentRow) -> dict[str, Any]:
    """Open tasks I claimed, and the open tasks of the queues I serve (claimed or not)."""
    mine = _open().where(Task.claimed_by_agent_id == agent.id)
    queues = _open().where(Task.queue.in_(served_queues(agent)))
    queues = queues.where(
        or_(Task.claimed_by_agent_id.is_(None), Task.claimed_by_agent_id != agent.id)
    )
    return {
        "mine": [view(task) for task in db.session.scalars(mine.limit(LISTED))],
        "queues": [view(task) for task in db.session.scalars(queues.limit(LISTED))],
    }


def _open() -> Any:
    return select(Task).where(Task.status == TaskStatus.OPEN).order_by(Task.created_at, Task.id)


def view(task: Task) -> dict[str, Any]:
    """One task as the list shows it, with whether its number may be called back and why not."""
    facts = phone_numbers.facts(task.phone)
    refusal = callback_desk.refusal_of(task, task.phone)
    claimer = (
        db.session.get(AgentRow, task.claimed_by_agent_id) if task.claimed_by_agent_id else None
    )
    return {
        "task_id": task.id,
        "contact_id": task_queue.contact_id(task.id),
        "kind": task.kind.value,
        "status": task.status.value,
        "queue": task.queue,
        "number": task.phone,
        "country": facts.country,
        "number_type": facts.kind,
        "customer_id": task.customer_id,
        "recording_url": task.recording_url or None,
        "recording_seconds": task.recording_seconds,
        "notes": task.notes,
        "created_at": iso(task.created_at),
        "claimed_by": {"id": claimer.id, "name": claimer.name} if claimer else None,
        "may_call_back": not refusal,
        "refused_because": refusal or None,
    }


def claim(agent: AgentRow, task_id: int) -> dict[str, Any]:
    """Make the task mine; out of the live line so nobody else is offered it."""
    task = _mine_to_act_on(agent, task_id)
    entry = queueing.store().entry(task_queue.contact_id(task.id))
    if entry is not None and entry.state is EntryState.OFFERED and entry.agent_id != str(agent.id):
        raise DeskError("another agent has this task as their contact", 409)
    done = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status == TaskStatus.OPEN)
        .where(or_(Task.claimed_by_agent_id.is_(None), Task.claimed_by_agent_id == agent.id))
        .values(claimed_by_agent_id=agent.id, claimed_at=utcnow())
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise DeskError("another agent claimed this task just now", 403)
    db.session.commit()
    if entry is not None and entry.state is EntryState.WAITING:
        queueing.store().remove(entry.contact_id, RemovalReason.CANCELLED)
    db.session.refresh(task)
    return view(task)


def take(agent: AgentRow, task_id: int) -> dict[str, Any]:
    """My claimed task as my contact (step one of calling back): its number to judge."""
    task = _mine_to_act_on(agent, task_id, claimed=True)
    refusal = callback_desk.refusal_of(task, task.phone)
    if refusal:
        raise DeskError(f"this number is not called back ({refusal}): close the task instead", 409)
    task_queue.queue_task(task)
    offer = agent_desk.accept(agent, task_queue.contact_id(task.id))
    return {
        "contact_id": offer.entry.contact_id,
        "status": offer.connecting,
        "callback": offer.callback,
    }


def close(agent: AgentRow, task_id: int, note: str) -> dict[str, Any]:
    """Close the task with my note: done, by me, out of the live line."""
    task = _mine_to_act_on(agent, task_id)
    contact = task_queue.contact_id(task.id)
    if desk_contact.owed(str(agent.id)) == contact:
        raise DeskError("this task is your contact: wrap it up with POST /api/agent/finish", 409)
    entry = queueing.store().entry(contact)
    if entry is not None and entry.state is EntryState.OFFERED:
        raise DeskError("another agent has this task as their contact", 409)
    task.status = TaskStatus.DONE
    task.closed_at = utcnow()
    task.closed_by_agent_id = agent.id
    if note:
        task.notes = f"{task.notes}\n{agent.name}: {note[:10_000]}".strip()
    db.session.commit()
    if entry is not None and entry.state is EntryState.WAITING:
        queueing.store().remove(contact, RemovalReason.CANCELLED)
    return view(task)


def _mine_to_act_on(agent: AgentRow, task_id: int, claimed: bool = False) -> Task:
    """The task, if I may act on it: 404 unknown, 409 closed, 403 not my queue's or
    another's claim (and, with ``claimed``, 409 unless I claimed it)."""
    task = db.session.get(Task, task_id) if 0 < task_id <= MAX_ID else None
    if task is None:
        raise DeskError("no such task", 404)
    if task.status is not TaskStatus.OPEN:
        raise DeskError("this task is already closed", 409)
    if task.claimed_by_agent_id not in (None, agent.id):
        raise DeskError("another agent claimed this task", 403)
    if task.claimed_by_agent_id is None and task.queue not in served_queues(agent):
        raise DeskError("this task is in a queue you do not serve", 403)
    if claimed and task.claimed_by_agent_id != agent.id:
        raise DeskError("claim this task before taking it", 409)
    return task
