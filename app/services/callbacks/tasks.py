"""Callback and voicemail tasks: the guaranteed way back to a person.

The rows only: whether a task may be made, and what a new request does to an open one,
is ``callback_promises``' business. A number has one open task at most, and the database
keeps it so (``ux_tasks_open_phone``): requests from several processes at once cannot
make two, since a second insert does nothing and the first task is found instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Update, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.live.publish import publish_on_commit
from app.models import Interaction, Task, TaskKind, TaskStatus

# A task found closed between the refused insert and the look-up: insert again, this often.
_TRIES = 3


def add_callback(
    session: Session,
    queue: str,
    language: str,
    number: str,
    interaction: Interaction | None,
    call_sid: str | None,
) -> tuple[Task, bool]:
    """A new open callback task for ``queue``, or the one the number (or call) has: the
    task, and whether it is new."""
    return _add_or_find(
        session,
        call_sid,
        number,
        kind=TaskKind.CALLBACK,
        queue=queue,
        language=language,
        customer_id=interaction.customer_id if interaction else None,
        interaction_id=interaction.id if interaction else None,
    )


def add_voicemail(
    session: Session,
    queue: str,
    language: str,
    number: str,
    recording_url: str,
    seconds: int,
    interaction: Interaction | None,
    call_sid: str | None,
    refused: str = "",
) -> tuple[Task, bool]:
    """A new open task to listen to a voicemail and, unless ``refused`` says why not, call
    back; or the one the number (or call) has. The task, and whether it is new."""
    return _add_or_find(
        session,
        call_sid,
        number,
        kind=TaskKind.VOICEMAIL,
        queue=queue,
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


def open_for(session: Session, number: str) -> Task | None:
    """The number's open task (E.164, or the caller ID as given), if it has one: held until
    commit and read afresh, so that requests changing it from several processes at once go
    one after another, and no note or message is lost.

    The read itself takes the row's lock on PostgreSQL (``FOR UPDATE``; a task closed
    meanwhile is then not found). A lock taken by an earlier statement would miss a task
    committed between the two, and the read would return it unlocked. SQLite locks the
    whole database for writing: a write that changes nothing takes that lock first.
    """
    is_open = (Task.status == TaskStatus.OPEN, Task.phone == number)
    _write_lock(session, _touch().where(*is_open))
    return session.scalars(_locked(select(Task).where(*is_open).limit(1))).first()


def lock(session: Session, task: Task) -> None:
    """Hold ``task``'s row until commit, and read it afresh (as ``open_for`` does)."""
    _write_lock(session, _touch().where(Task.id == task.id))
    session.scalars(_locked(select(Task).where(Task.id == task.id))).first()


def add_note(task: Task, line: str) -> None:
    """Add ``line`` to the task's notes, once."""
    if line not in task.notes:
        task.notes = f"{task.notes}\n{line}".strip()


def _locked(query: Select[tuple[Task]]) -> Select[tuple[Task]]:
    """``query`` read afresh over what the session holds, with its rows locked until commit
    (``FOR UPDATE``, which SQLite does not have and leaves out)."""
    return query.with_for_update().execution_options(populate_existing=True)


def _write_lock(session: Session, statement: Update) -> None:
    """On SQLite, take the database's write lock before reading what will be written."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(statement)


def _touch() -> Update:
    """An UPDATE that changes nothing, for its lock."""
    return update(Task).values(notes=Task.notes).execution_options(synchronize_session=False)


def _add_or_find(
    session: Session, call_sid: str | None, number: str, **fields: Any
) -> tuple[Task, bool]:
    """Insert an open task unless the call made one or the number has one; then find it."""
    for _ in range(_TRIES):
        task_id = _insert(session, call_sid=call_sid or None, phone=number, **fields)
        if task_id is not None:
            publish_on_commit(session, "task", what="opened", queue=fields.get("queue"))
            return session.get_one(Task, task_id), True
        found = for_call(session, call_sid) or open_for(session, number)
        if found is not None:
            return found, False
    raise RuntimeError(f"no open task for {number!r} could be made or found")


def _insert(session: Session, **fields: Any) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new task's id, None if a unique index refused
    it (the number's open task, or the call's). Waits for a concurrent insert to commit."""
    session.flush()  # the interaction it names is in the database first
    table = Task.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**fields).on_conflict_do_nothing().returning(table.c.id)
    task_id: int | None = session.execute(statement).scalar()
    return task_id
