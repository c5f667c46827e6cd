"""The agents on the floor: state and time in it, current contact, contacts today; forcing
a state with a reason, audited.

Presence comes from the routing store (Redis); names and today's counts from the record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Agent, Interaction, User
from app.services.agents import agent_desk, desk_contact
from app.services.calls import queueing
from app.services.supervision.audit import record
from app.services.supervision.today import day_start, handled_by_agent
from routing.model import Presence

# What a supervisor may put an agent in: busy and wrap-up belong to a contact.
FORCEABLE = (Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE)
ON_A_CONTACT = (Presence.BUSY, Presence.WRAP_UP)


class FloorError(ValueError):
    """A change the floor refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def agents(now: datetime | None = None) -> list[dict[str, Any]]:
    """Every agent, by name: state, seconds in it, current contact, contacts today."""
    now = now or datetime.now(UTC)
    store = queueing.store()
    clock = store.now()
    rows = db.session.scalars(select(Agent).options(selectinload(Agent.user))).all()
    today = handled_by_agent(db.session, now)
    on_call = _open_contacts(now)
    found = []
    for row in sorted(rows, key=lambda r: (r.user.name.lower(), r.id)):
        presence = store.presence(str(row.id))
        state = presence.state.value if presence else Presence.OFFLINE.value
        contact = _contact_of(str(row.id)) or (
            (presence.offer and f"offered {presence.offer}") if presence else None
        )
        found.append(
            {
                "id": row.id,
                "name": row.user.name,
                "state": state,
                "seconds_in_state": round(clock - presence.since) if presence else None,
                "contact": contact or on_call.get(row.id),
                "handled_today": today.get(row.id, 0),
            }
        )
    return found


def _contact_of(agent_id: str) -> str | None:
    """The contact the agent accepted and has not wrapped up, as the dashboard names it."""
    record = desk_contact.current(agent_id)
    if record is None:
        return None
    return f"{record['kind']} from {record['queue']} ({record['contact_id']})"


def force_state(user: User, agent_id: int, state: str, reason: str) -> dict[str, Any]:
    """Put an agent available, away or offline, saying why; an agent on a contact keeps it."""
    try:
        wanted = Presence(state)
    except ValueError:
        wanted = None
    if wanted not in FORCEABLE:
        raise FloorError("state must be available, away or offline")
    if not reason.strip():
        raise FloorError("say why you change the agent's state")
    agent = db.session.get(Agent, agent_id, options=[selectinload(Agent.user)])
    if agent is None:
        raise FloorError("no such agent", 404)
    presence = queueing.store().presence(str(agent.id))
    current = presence.state if presence else Presence.OFFLINE
    if current in ON_A_CONTACT:
        # Taking them off would strand the caller they talk to: they finish first.
        raise FloorError(
            f"{agent.name} is {current.value} on a contact: wait until they finish", 409
        )
    if wanted is Presence.AVAILABLE and current is Presence.OFFLINE:
        raise FloorError(f"{agent.name} is logged out: only they can log in", 409)
    done = agent_desk.set_presence(agent, wanted.value)
    record(
        user,
        "agent.state",
        f"agent {agent.id} {agent.name}",
        reason,
        was=current.value,
        now=wanted.value,
    )
    db.session.commit()
    return {"id": agent.id, "name": agent.name, "state": done["state"]}


def _open_contacts(now: datetime) -> dict[int, str]:
    """The contact each agent is on now, from the record: a call answered and not ended."""
    rows = db.session.execute(
        select(Interaction.agent_id, Interaction.channel, Interaction.from_number)
        .where(Interaction.started_at >= day_start(now), Interaction.agent_id.is_not(None))
        .where(Interaction.ended_at.is_(None))
        .order_by(Interaction.started_at)
    )
    return {int(agent_id): f"{channel.value} from {number}" for agent_id, channel, number in rows}
