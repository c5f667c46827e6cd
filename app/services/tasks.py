"""Callback and voicemail tasks: the guaranteed way back to a person."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Interaction, Task, TaskKind
from ivr_flows import Callback

# Caller IDs Twilio uses when the real number is withheld: nobody can be called back on them.
WITHHELD_CALLER_IDS = {"+266696687", "+86282452253", "+7378742833", "+2562533", "+8656696"}
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def can_call_back(number: str) -> bool:
    """Whether ``number`` is a real E.164 number we could dial."""
    return bool(_E164.match(number or "")) and number not in WITHHELD_CALLER_IDS


def create_callback(
    session: Session,
    action: Callback,
    number: str,
    interaction: Interaction | None,
    call_sid: str | None,
) -> Task:
    """An open callback task for ``action.queue`` (one per call, even if Twilio retries)."""
    return _task(
        session,
        call_sid,
        kind=TaskKind.CALLBACK,
        queue=action.queue,
        phone=number,
        language=action.language,
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
) -> Task:
    """An open task to listen to a voicemail and call the customer back."""
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
    )


def _task(session: Session, call_sid: str | None, **fields: object) -> Task:
    if call_sid:
        existing = session.scalars(select(Task).where(Task.call_sid == call_sid)).first()
        if existing is not None:
            return existing
    task = Task(call_sid=call_sid or None, **fields)
    session.add(task)
    session.flush()
    return task
