"""Putting callers in line: priority, the overflow ladder, and the live queue store.

The database is the record (the interaction keeps the routing trace, score and arrival);
Redis holds the live order. A caller whose entry Redis lost is put back from the record.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db, redis_store
from app.models import Agent as AgentRow
from app.models import Customer, Interaction, utcnow
from app.models import Queue as QueueRow
from app.services.routing_data import (
    agent_profile,
    customer_history,
    customer_value,
    queue_configs,
)
from routing import Agent, Contact, QueueConfig, Weights, prioritize, store_score
from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.sticky import sticky
from routing.store import QueueEntry, Reservation

log = logging.getLogger(__name__)


def store() -> RedisQueueStore:
    """The app's live queue store."""
    found: RedisQueueStore = current_app.extensions["routing.store"]
    return found


def weights() -> Weights:
    """The routing weights in force."""
    found: Weights = current_app.extensions["routing.weights"]
    return found


def config_for(name: str) -> QueueConfig:
    """A queue's settings; a queue the database does not know gets the defaults."""
    return queue_configs(db.session).get(name) or QueueConfig(name=name)


def roster() -> dict[str, Agent]:
    """Every agent with their presence from the live store."""
    rows = db.session.scalars(
        select(AgentRow).options(selectinload(AgentRow.skills), selectinload(AgentRow.user))
    ).all()
    live = {presence.agent_id: presence for presence in store().agents()}
    agents: dict[str, Agent] = {}
    for row in rows:
        profile = agent_profile(row)
        presence = live.get(profile.id)
        if presence is not None:
            profile = replace(
                profile, presence=presence.state, idle_since=presence.idle_since or 0.0
            )
        agents[profile.id] = profile
    return agents


def staffed(queue: QueueConfig, agents: dict[str, Agent]) -> bool:
    """Whether an agent who can serve ``queue`` is at work (available, busy or wrapping up)."""
    from routing import is_staffed

    return is_staffed(queue, agents.values())


def first_staffed(name: str, agents: dict[str, Agent]) -> tuple[QueueConfig | None, list[str]]:
    """The queue on ``name``'s overflow ladder that has agents, and the steps taken to it."""
    configs = queue_configs(db.session)
    steps: list[str] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        queue = configs.get(current) or QueueConfig(name=current)
        if staffed(queue, agents):
            return queue, steps
        steps.append(f"no agent logged in for {current}")
        current = queue.overflow
    return None, steps


def enqueue_call(
    interaction: Interaction,
    queue_name: str,
    skills: tuple[str, ...],
    language: str,
    priority_hint: int,
) -> str | None:
    """Put the caller in the first staffed queue of the ladder; None means nobody is there."""
    agents = roster()
    queue, steps = first_staffed(queue_name, agents)
    if queue is None:
        _note(interaction, {"queue": queue_name, "trace": steps + ["to the fallback line"]})
        return None
    customer = (
        db.session.get(Customer, interaction.customer_id) if interaction.customer_id else None
    )
    now = utcnow()
    contact = Contact(
        id=interaction.twilio_sid or f"interaction:{interaction.id}",
        queue=queue.name,
        skills=tuple(dict.fromkeys((*queue.skills, *skills))),
        language=language,
        arrived_at=now.timestamp(),
        priority_hint=priority_hint,
        customer=customer_value(customer),
        history=customer_history(db.session, interaction.customer_id, now, interaction.twilio_sid),
    )
    put_in_line(interaction, contact, agents, steps)
    return queue.name


def put_in_line(
    interaction: Interaction, contact: Contact, agents: dict[str, Agent], steps: list[str]
) -> QueueEntry:
    """Score the contact, hold it for its last agent if the sticky rule says so, enqueue it."""
    rules = weights()
    priority = prioritize(contact, rules)
    hold = sticky(contact, agents, contact.arrived_at, rules)
    reservation = (
        Reservation(agent_id=hold.agent.id, until=hold.until)
        if hold.agent is not None and hold.until is not None
        else None
    )
    trace = [*steps, *priority.trace, *([hold.note] if hold.note else [])]
    score = store_score(priority, contact.arrived_at, rules)
    payload = {**_payload(interaction, contact, trace), "base": priority.base}
    entry = (
        store()
        .enqueue(
            contact.id,
            contact.queue,
            score=score,
            arrival=contact.arrived_at,
            payload=payload,
            reservation=reservation,
        )
        .entry
    )
    queue_row = db.session.scalars(select(QueueRow).where(QueueRow.name == contact.queue)).first()
    interaction.queue_id = queue_row.id if queue_row else None
    _note(
        interaction,
        {
            "queue": contact.queue,
            "trace": trace,
            "score": score,
            "arrived_at": contact.arrived_at,
            "base": priority.base,
        },
    )
    return entry


def _payload(interaction: Interaction, contact: Contact, trace: list[str]) -> dict[str, Any]:
    return {
        "kind": contact.kind,
        "interaction_id": interaction.id,
        "customer_id": interaction.customer_id,
        "tier": contact.customer.tier,
        "language": contact.language,
        "skills": list(contact.skills),
        "from": interaction.from_number,
        "trace": trace,
    }


def _note(interaction: Interaction, routing: dict[str, Any]) -> None:
    interaction.details = {**(interaction.details or {}), "routing": routing}


def restore(interaction: Interaction) -> QueueEntry | None:
    """Put a caller back in line from the record after Redis lost the live state."""
    routing = (interaction.details or {}).get("routing") or {}
    if "score" not in routing or interaction.twilio_sid is None:
        return None
    entry = QueueEntry(
        contact_id=interaction.twilio_sid,
        queue=routing["queue"],
        score=float(routing["score"]),
        arrival=float(routing["arrived_at"]),
        payload={"kind": "call", "interaction_id": interaction.id, "trace": routing["trace"]},
    )
    store().rebuild([entry])
    log.warning("restored caller in %s from the record", entry.queue)
    return store().entry(entry.contact_id)


def working_agents(queue: str) -> int:
    """Agents at work who serve ``queue``."""
    at_work = {Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP}
    return sum(p.state in at_work for p in store().logged_in_agents([queue]))


def redis_client() -> Any:
    """The Redis client (for the few flags the voice side keeps)."""
    return redis_store.client
