"""Callback and voicemail tasks: the guaranteed way back to a person.

The rows only: whether a task may be made, and what a new request does to an open one,
is ``callback_promises``' business.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Interaction, Task, TaskKind, TaskStatus


def create_callback(
    session: Session,
    queue: str,
    language: str,
    number: str,
    interaction: Interaction | None,
    call_sid: str | None,
) -> Task:
    """An open callback task for ``queue``."""
    return _task(
        session,
        call_sid,
        kind=TaskKind.CALLBACK,
        queue=queue,
        phone=number,
        language=language,
        customer_id=interaction.customer_id if interaction else None,
        interaction_id=interaction.id if interaction else None,
    )


def create_voicemail(
    session: Session,
    queue: str,
    language: str,
    number: str,
    recording_url: str,
    seconds: int,
    interaction: Interaction | None,
    call_sid: str | None,
    refused: str = "",
) -> Task:
    """An open task to listen to a voicemail and, unless ``refused`` says why not, call back."""
    return _task(
        session,
        call_sid,
        kind=TaskKind.VOICEMAIL,
        queue=queue,
        phone=number,
        language=language,
        recording_url=recording_url,
        recording_seconds=seconds,
        customer_id=interaction.customer_id if interaction else None,
        interaction_id=interaction.id if interaction else None,
        callback_refused=refused,
    )


def for_call(session: Session, call_sid: str | None) -> Task | None:
    """The task the call ``call_sid`` made, if it made one (Twilio may send a webhook twice)."""
    if not call_sid:
        return None
    return session.scalars(select(Task).where(Task.call_sid == call_sid)).first()


def open_to_call_back(session: Session, number: str) -> Task | None:
    """The oldest open task that will call ``number`` (E.164) back, if there is one."""
    return session.scalars(
        select(Task)
        .where(Task.status == TaskStatus.OPEN, Task.phone == number, Task.callback_refused == "")
        .order_by(Task.id)
        .limit(1)
    ).first()


def add_note(task: Task, line: str) -> None:
    """Add ``line`` to the task's notes, once."""
    if line not in task.notes:
        task.notes = f"{task.notes}\n{line}".strip()


def _task(session: Session, call_sid: str | None, **fields: object) -> Task:
    existing = for_call(session, call_sid)
    if existing is not None:
        return existing
    task = Task(call_sid=call_sid or None, **fields)
    session.add(task)
    session.flush()
    return task
