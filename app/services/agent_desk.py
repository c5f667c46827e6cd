"""What an agent does: log in, say whether they are available, see the queue, take a call.

Taking a call offers it atomically in Redis (nobody else can take it), then asks Twilio to
bring the caller to the agent. If Twilio cannot, the caller keeps their place in line.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction, Task, TaskStatus, User, utcnow
from app.services import queueing
from app.services.routing_data import agent_profile, queue_configs
from app.twilio.gateway import twilio_gateway
from routing import Contact, Priority, check_can_take, explain, queues_for
from routing.model import Presence
from routing.store import QueueEntry, TakeStatus

log = logging.getLogger(__name__)


class DeskError(Exception):
    """A request the agent desk refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Offer:
    """A contact now offered to an agent, and how it is being connected."""

    entry: QueueEntry
    connecting: str


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, if any."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def agent_of(user: User) -> AgentRow:
    """The routing profile of ``user``; 403 for staff who take no contacts."""
    if user.agent is None:
        raise DeskError("this login has no agent profile", 403)
    return user.agent


def served_queues(agent: AgentRow) -> list[str]:
    """The queues this agent has the skills and language for."""
    return [q.name for q in queues_for(agent_profile(agent), queue_configs(db.session).values())]


def set_presence(agent: AgentRow, state: str) -> dict[str, Any]:
    """Available, away, offline...: routing offers contacts only to available agents."""
    try:
        presence = Presence(state)
    except ValueError:
        raise DeskError(f"unknown presence {state!r}", 400) from None
    live = queueing.store().set_presence(str(agent.id), presence, served_queues(agent))
    return {"state": live.state.value, "queues": list(live.queues)}


def heartbeat(agent: AgentRow) -> bool:
    """Keep the agent's presence alive; False once they have been set offline."""
    return queueing.store().heartbeat(str(agent.id))


def waiting_for(agent: AgentRow, limit: int = 50) -> list[dict[str, Any]]:
    """Each served queue with its contacts in priority order, each with its trace."""
    now = time.time()
    rules = queueing.weights()
    return [
        {
            "queue": name,
            "contacts": [
                _describe(entry, now, rules)
                for entry in queueing.store().waiting(name, limit=limit)
            ],
        }
        for name in served_queues(agent)
    ]


def _describe(entry: QueueEntry, now: float, rules: Any) -> dict[str, Any]:
    payload = dict(entry.payload)
    waited = max(0.0, now - entry.arrival)
    priority = Priority(float(payload.get("base", 0.0)), tuple(payload.get("trace", ())))
    return {
        "contact_id": entry.contact_id,
        "kind": payload.get("kind", "call"),
        "tier": payload.get("tier"),
        "language": payload.get("language"),
        "waited_seconds": round(waited),
        "trace": list(explain(priority, waited, rules)),
        "reserved_for": entry.reservation.agent_id if entry.reservation else None,
    }


def accept(agent: AgentRow, contact_id: str | None = None) -> Offer:
    """Take the best contact (or a named one) and start connecting it to the agent."""
    agent_id = str(agent.id)
    presence = queueing.store().presence(agent_id)
    if presence is None or presence.state is not Presence.AVAILABLE:
        raise DeskError("set yourself available before taking a contact", 409)
    entry = _take_named(agent, contact_id) if contact_id else _take_next(agent)
    try:
        connecting = _connect(agent, entry)
    except Exception:
        queueing.store().return_offered(entry.contact_id, agent_id)
        log.exception(
            "could not connect %s to agent %s; it keeps its place", entry.contact_id, agent_id
        )
        raise DeskError(
            "Twilio could not connect the call; it keeps its place in line", 502
        ) from None
    queueing.store().set_presence(agent_id, Presence.BUSY, served_queues(agent))
    return Offer(entry, connecting)


def _take_next(agent: AgentRow) -> QueueEntry:
    entry = queueing.store().take_next(str(agent.id), served_queues(agent))
    if entry is None:
        raise DeskError("nobody is waiting in your queues", 404)
    return entry


def _take_named(agent: AgentRow, contact_id: str) -> QueueEntry:
    current = queueing.store().entry(contact_id)
    if current is None:
        raise DeskError("no such contact", 404)
    payload = current.payload
    contact = Contact(
        id=contact_id,
        kind="callback" if contact_id.startswith("callback:") else "call",
        queue=current.queue,
        skills=tuple(payload.get("skills", ())),
        language=str(payload.get("language", "en")),
        arrived_at=current.arrival,
    )
    check_can_take(queueing.with_presence(agent), contact)
    result = queueing.store().take(contact_id, str(agent.id))
    if result.status is TakeStatus.OFFERED and result.entry is not None:
        return result.entry
    if result.status is TakeStatus.NOT_FOUND:
        raise DeskError("no such contact", 404)
    raise DeskError(f"that contact is {result.status.value}: someone else has it", 409)


def _connect(agent: AgentRow, entry: QueueEntry) -> str:
    """Ask Twilio to bring the caller (or, for a callback, call the customer)."""
    if entry.payload.get("kind") == "callback":
        url = _absolute(url_for("voice.callback_connect", agent=agent.id, c=entry.contact_id))
        twilio_gateway.place_call(
            str(entry.payload.get("phone", "")), current_app.config["TWILIO_NUMBER"], url
        )
        return "calling the customer back"
    url = _absolute(url_for("voice.connect", agent=agent.id, c=entry.contact_id, q=entry.queue))
    queue_sid = queueing.twilio_queue(entry.queue)
    if queue_sid:
        twilio_gateway.redirect_queue_member(queue_sid, entry.contact_id, url)
    else:
        twilio_gateway.redirect_call(entry.contact_id, url)
    return "connecting the caller"


def _absolute(path: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url.rstrip("/")
    return base + path


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
