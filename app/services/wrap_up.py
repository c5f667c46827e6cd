"""Wrapping up a contact: the outcome on the record, the handle time in the stats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction, Task, TaskStatus, utcnow
from app.services import offers, queueing
from app.services.agent_desk import DeskError, served_queues
from routing.model import Presence


def finish(agent: AgentRow, contact_id: str, wrap_up_code: str, notes: str) -> dict[str, Any]:
    """Wrap up: the outcome on the record, the handle time in the stats, available again."""
    entry = queueing.store().entry(contact_id)
    interaction = interaction_for_contact(contact_id)
    if interaction is None:
        raise DeskError("no such contact", 404)
    now = utcnow()
    interaction.agent_id = agent.id
    interaction.wrap_up_code = wrap_up_code[:32]
    interaction.notes = notes[:10_000]
    interaction.outcome = interaction.outcome if interaction.outcome == "answered" else "handled"
    interaction.ended_at = interaction.ended_at or now
    answered_at = float((interaction.details or {}).get("answered_at", now.timestamp()))
    if entry is not None:
        queueing.store().record_handle_time(entry.queue, max(0.0, now.timestamp() - answered_at))
    _close_task(contact_id, agent.id)
    db.session.commit()
    presence = queueing.store().set_presence(
        str(agent.id), Presence.AVAILABLE, served_queues(agent)
    )
    offers.agent_free(str(agent.id))
    return {"contact_id": contact_id, "state": presence.state.value}


def interaction_for_contact(contact_id: str) -> Interaction | None:
    """The interaction behind a live call (its CallSid) or a callback task."""
    if contact_id.startswith("callback:"):
        task = db.session.get(Task, int(contact_id.split(":", 1)[1] or 0))
        if task is None or task.interaction_id is None:
            return None
        return db.session.get(Interaction, task.interaction_id)
    return db.session.scalars(
        select(Interaction).where(Interaction.twilio_sid == contact_id)
    ).first()


def _close_task(contact_id: str, agent_id: int) -> None:
    if not contact_id.startswith("callback:"):
        return
    task = db.session.get(Task, int(contact_id.split(":", 1)[1]))
    if task is not None and task.status is TaskStatus.OPEN:
        task.status = TaskStatus.DONE
        task.closed_at = utcnow()
        task.closed_by_agent_id = agent_id
