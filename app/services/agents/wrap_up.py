"""Wrapping up a contact: the outcome on the record, the handle time in the stats.

Every contact an agent can accept can be wrapped up, whatever the record holds: a live
call (its interaction found by CallSid), one put back in line from the record, a callback
or voicemail task (its task's interaction), and a task made while the database was down,
which has none (an interaction is made for it here). Otherwise the agent would stay busy
for good and the task open to be dialed again.

Only the agent who accepted (or answered) a contact may wrap it up, and only once. A
console retrying a request whose answer it lost, or a double click, must neither overwrite
the notes nor count the handle time twice; the second wrap-up is refused (409) rather than
quietly ignored, so an agent who resubmits corrected notes learns they were not saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store
from app.live.publish import publish_on_commit
from app.models import Agent as AgentRow
from app.models import Direction, Interaction, InteractionChannel, Task, TaskStatus, utcnow
from app.services.agents import desk_contact, drafts, offers, transfers
from app.services.agents.agent_desk import DeskError, served_queues
from app.services.callbacks import callback_desk, callback_view
from app.services.calls import queueing
from routing.model import CALLBACK_PREFIX, Presence
from routing.store import AgentPresence, QueueEntry

# Held while one request wraps a contact up, so a second at the same moment is refused;
# afterwards the record itself (WRAPPED_UP in the details, a closed task) refuses it.
CLAIM_KEY = "helpline:wrap_up:{}"
CLAIM_SECONDS = 60
WRAPPED_UP = "wrapped_up"
# States a contact puts an agent in: wrap-up ends them. Away or offline stays as chosen.
ON_A_CONTACT = frozenset({Presence.BUSY, Presence.WRAP_UP})
MAX_SID = 64  # Interaction.twilio_sid


@dataclass(frozen=True)
class Contact:
    """A contact to wrap up: its record (if any yet), its entry while the store keeps it,
    its task."""

    contact_id: str
    interaction: Interaction | None
    entry: QueueEntry | None
    task: Task | None


def finish(agent: AgentRow, contact_id: str, wrap_up_code: str, notes: str) -> dict[str, Any]:
    """Wrap up the agent's contact: outcome, code and notes on the record, handle time counted."""
    if contact_id and desk_contact.transferred(str(agent.id), contact_id) is not None:
        return transfers.finish_transferred(agent, contact_id, wrap_up_code, notes)
    contact = _contact(contact_id)
    _check_owner(str(agent.id), contact)
    if _wrapped_up(contact):
        raise DeskError("this contact is already wrapped up", 409)
    if not _claim(contact_id):
        raise DeskError("this contact is already being wrapped up", 409)
    try:
        handle_seconds = _record(agent, contact, wrap_up_code, notes)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        redis_store.client.delete(CLAIM_KEY.format(contact_id))  # a retry may try again
        raise
    if contact.entry is not None:
        queueing.store().record_handle_time(contact.entry.queue, handle_seconds)
    callback_desk.closed(contact.entry)
    desk_contact.forget(str(agent.id), contact_id)  # no wrap-up owed any more
    drafts.clear(str(agent.id), contact_id)
    return {"contact_id": contact_id, "state": _free(agent, contact).value}


def interaction_for_contact(contact_id: str) -> Interaction | None:
    """The interaction behind a live call (its CallSid) or a callback task; None if the
    record has none."""
    if contact_id.startswith(CALLBACK_PREFIX):
        task = callback_view.task_for(contact_id)
        if task is None or task.interaction_id is None:
            return None
        return db.session.get(Interaction, task.interaction_id)
    if not contact_id or len(contact_id) > MAX_SID:
        return None
    return db.session.scalars(
        select(Interaction).where(Interaction.twilio_sid == contact_id)
    ).first()


def _contact(contact_id: str) -> Contact:
    """The contact named: 400 without a name, 404 when neither the store nor the record
    knows it."""
    if not contact_id:
        raise DeskError("contact_id is required", 400)
    entry = queueing.store().entry(contact_id)
    task = callback_view.task_for(contact_id)
    interaction = interaction_for_contact(contact_id)
    if interaction is None and entry is not None:  # the entry names its record
        interaction = _interaction(str(entry.payload.get("interaction_id", "")))
    if interaction is None and task is None and entry is None:
        raise DeskError("no such contact", 404)
    return Contact(contact_id, interaction, entry, task)


def _interaction(number: str) -> Interaction | None:
    """The interaction with this id (as text); None if it is not one."""
    if not number.isdigit() or len(number) > 18:
        return None
    return db.session.get(Interaction, int(number))


def _check_owner(agent_id: str, contact: Contact) -> None:
    """403 unless the agent accepted or answered the contact; 409 while only offered to them.

    The store says who has a live contact (and, for an hour after, who had it); once it has
    forgotten, the record's agent is the one who answered.
    """
    entry = contact.entry
    if entry is not None and entry.agent_id is not None:
        owner: str | None = entry.agent_id
        if owner == agent_id and entry.pending:
            raise DeskError("accept this contact before wrapping it up", 409)
    else:
        answered_by = contact.interaction.agent_id if contact.interaction else None
        owner = str(answered_by) if answered_by is not None else None
    if owner != agent_id:
        raise DeskError("this contact is not yours to wrap up", 403)


def _wrapped_up(contact: Contact) -> bool:
    """Whether the record has a wrap-up already: a task an agent closed, or a call's code or
    mark. (A task closed by no agent was merged into its number's other open task, by
    migration 0005: the agent who took it still wraps the contact up.)"""
    task = contact.task
    if task is not None and (task.status is TaskStatus.OPEN or task.closed_by_agent_id):
        return task.status is not TaskStatus.OPEN
    interaction = contact.interaction
    if interaction is None:
        return False
    return bool(interaction.wrap_up_code) or WRAPPED_UP in (interaction.details or {})


def _claim(contact_id: str) -> bool:
    """One wrap-up of a contact at a time, across processes; False if another holds it."""
    key = CLAIM_KEY.format(contact_id)
    return bool(redis_store.client.set(key, "1", nx=True, ex=CLAIM_SECONDS))


def _record(agent: AgentRow, contact: Contact, wrap_up_code: str, notes: str) -> float:
    """Write the wrap-up on the record (not committed); returns the handle time in seconds."""
    interaction = contact.interaction or _new_record(agent, contact)
    now = utcnow()
    details = dict(interaction.details or {})
    # Handled since answered; a callback wrapped up without a call, since accepted.
    accepted_at = contact.entry.accepted_at if contact.entry is not None else None
    answered_at = float(details.get("answered_at") or accepted_at or now.timestamp())
    details[WRAPPED_UP] = {"agent_id": agent.id, "at": now.timestamp()}
    interaction.details = details
    interaction.agent_id = agent.id
    interaction.wrap_up_code = wrap_up_code[:32]
    interaction.notes = notes[:10_000]
    interaction.outcome = interaction.outcome if interaction.outcome == "answered" else "handled"
    interaction.ended_at = interaction.ended_at or now
    if contact.task is not None and contact.task.status is TaskStatus.OPEN:
        contact.task.status = TaskStatus.DONE
        contact.task.closed_at = now
        contact.task.closed_by_agent_id = agent.id
        publish_on_commit(db.session, "task", what="closed", queue=contact.task.queue)
    return max(0.0, now.timestamp() - answered_at)


def _new_record(agent: AgentRow, contact: Contact) -> Interaction:
    """An interaction for a contact the record has none for: its task's, or its call's."""
    if contact.task is not None:
        return callback_desk.ensure_record(contact.task, agent)
    payload = contact.entry.payload if contact.entry is not None else {}
    is_call = not contact.contact_id.startswith(CALLBACK_PREFIX)
    record = Interaction(
        customer_id=payload.get("customer_id"),
        channel=InteractionChannel.VOICE,
        direction=Direction.INBOUND if is_call else Direction.OUTBOUND,
        twilio_sid=contact.contact_id if is_call and len(contact.contact_id) <= MAX_SID else None,
        from_number=str(payload.get("from") or payload.get("phone") or "")[:32],
    )
    db.session.add(record)
    return record


def _free(agent: AgentRow, contact: Contact) -> Presence:
    """Available again if this contact was what kept the agent busy; else as they were."""
    agent_id = str(agent.id)
    current = queueing.store().presence(agent_id)
    if current is None or not _kept_busy_by(current, contact.entry):
        return current.state if current is not None else Presence.OFFLINE
    queueing.store().set_presence(agent_id, Presence.AVAILABLE, served_queues(agent))
    offers.agent_free(agent_id)
    return Presence.AVAILABLE


def _kept_busy_by(presence: AgentPresence, entry: QueueEntry | None) -> bool:
    """Whether the agent is busy (or wrapping up) with this contact, not one taken after it."""
    if presence.state not in ON_A_CONTACT:
        return False
    accepted_at = entry.accepted_at if entry is not None else None
    return accepted_at is None or presence.since <= accepted_at
