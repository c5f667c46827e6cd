"""Putting callers in line: priority, the overflow ladder, and the live queue store.

The database is the record (the interaction keeps the routing trace, score and arrival);
Redis holds the live order. A caller whose entry Redis lost is put back from the record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Interaction
from app.models import Queue as QueueRow
from app.services.calls import routing_weights
from app.services.calls.routing_data import (
    agent_profile,
    customer_history,
    customer_value,
    live_agent,
    queue_table,
)
from routing import Agent, Contact, QueueConfig, Weights, prioritize, store_score
from routing.redis_store import RedisQueueStore
from routing.sticky import sticky
from routing.store import Enqueued, QueueEntry, Reservation

log = logging.getLogger(__name__)

# Queue settings change rarely; a few seconds of staleness saves a query per call.
QUEUE_CONFIG_SECONDS = 10.0


def store() -> RedisQueueStore:
    """The app's live queue store."""
    found: RedisQueueStore = current_app.extensions["routing.store"]
    return found


def weights() -> Weights:
    """The routing weights in force: a supervisor's saved ones, else the configured file."""
    return routing_weights.in_force()


def config_for(name: str) -> QueueConfig:
    """A queue's settings; a queue the database does not know gets the defaults."""
    return cached_queue_configs().get(name) or QueueConfig(name=name)


def with_presence(row: AgentRow) -> Agent:
    """An agent's routing profile with their live presence from the store."""
    profile = agent_profile(row)
    presence = store().presence(profile.id)
    return live_agent(profile, presence) if presence is not None else profile


def last_agent_roster(history_agent_id: str | None) -> dict[str, Agent]:
    """The caller's last agent with presence: all the sticky rule needs to know."""
    if history_agent_id is None or not history_agent_id.isdigit():
        return {}
    row = db.session.get(
        AgentRow,
        int(history_agent_id),
        options=[selectinload(AgentRow.skills), selectinload(AgentRow.user)],
    )
    return {history_agent_id: with_presence(row)} if row is not None else {}


def ladder(name: str) -> Iterator[QueueConfig]:
    """``name``'s queue, then each overflow queue in turn (once each: a loop ends)."""
    configs = cached_queue_configs()
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        queue = configs.get(current) or QueueConfig(name=current)
        yield queue
        current = queue.overflow


def first_staffed(name: str) -> tuple[QueueConfig | None, list[str]]:
    """The queue on ``name``'s overflow ladder that has agents at work, and the steps to it."""
    steps: list[str] = []
    for queue in ladder(name):
        if working_agents(queue.name) > 0:
            return queue, steps
        steps.append(f"no agent at work for {queue.name}")
    return None, steps


def cached_queue_configs() -> dict[str, QueueConfig]:
    """Queue settings, re-read from the database at most every few seconds per process."""
    configs: dict[str, QueueConfig] = _queue_table()[0]
    return configs


def queue_row_id(name: str) -> int | None:
    """The database id of queue ``name`` (None for a queue the database does not know)."""
    ids: dict[str, int] = _queue_table()[1]
    found = ids.get(name)
    if found is None:  # created since the table was read, or not a queue at all
        found = db.session.scalar(select(QueueRow.id).where(QueueRow.name == name))
    return found


def _queue_table() -> tuple[dict[str, QueueConfig], dict[str, int]]:
    cached = current_app.extensions.get("routing.queue_configs")
    now = time.monotonic()
    if cached is None or now - cached[0] > QUEUE_CONFIG_SECONDS:
        cached = (now, *queue_table(db.session))
        current_app.extensions["routing.queue_configs"] = cached
    return cached[1], cached[2]


def enqueue_call(
    interaction: Interaction,
    queue_name: str,
    skills: tuple[str, ...],
    language: str,
    priority_hint: int,
) -> Enqueued | None:
    """Put the caller in the first queue of the ladder that has an agent at work: what the
    store did (with who may be offered the caller now), or None if nobody is at work on the
    whole ladder. Checking staff and enqueueing is one atomic step in the store."""
    arrived_at = store().now()  # routing's one clock: the store's
    now = datetime.fromtimestamp(arrived_at, UTC)
    customer = customer_value(db.session, interaction.customer_id)
    history = customer_history(db.session, interaction.customer_id, now, interaction.twilio_sid)
    last_agent = last_agent_roster(history.last_agent_id)
    steps: list[str] = []
    for queue in ladder(queue_name):
        contact = Contact(
            id=contact_id_of(interaction),
            queue=queue.name,
            skills=tuple(dict.fromkeys((*queue.skills, *skills))),
            language=language,
            arrived_at=arrived_at,
            priority_hint=priority_hint,
            customer=customer,
            history=history,
        )
        done = put_in_line(interaction, contact, last_agent, steps, staffed=True)
        if done.staffed:
            return done
        steps.append(f"no agent at work for {queue.name}")
    _note(interaction, {"queue": queue_name, "trace": steps + ["to the fallback line"]})
    return None


def contact_id_of(interaction: Interaction) -> str:
    """The id a call waits under in the queue store: its CallSid."""
    return interaction.twilio_sid or f"interaction:{interaction.id}"


def put_in_line(
    interaction: Interaction,
    contact: Contact,
    agents: dict[str, Agent],
    steps: list[str],
    staffed: bool = False,
) -> Enqueued:
    """Score the contact, hold it for its last agent if the sticky rule says so, enqueue it
    (only if the queue has an agent at work, if ``staffed``) and note it on the record."""
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
    last_agent = contact.history.last_agent_id
    done = store().enqueue(
        contact.id,
        contact.queue,
        score=score,
        arrival=contact.arrived_at,
        payload=payload,
        reservation=reservation,
        staffed=staffed,
        free_for=[last_agent] if last_agent else [],
    )
    if not done.staffed:
        return done
    interaction.queue_id = queue_row_id(contact.queue)
    _note(
        interaction,
        {
            "queue": contact.queue,
            "trace": trace,
            "score": score,
            "arrived_at": contact.arrived_at,
            "base": priority.base,
            # All routing needs to put the caller back as they were if Redis loses them.
            "payload": payload,
        },
    )
    return done


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
        # What the sticky rule needs when routing looks at this contact again.
        "last_agent_id": contact.history.last_agent_id,
        "last_contact_at": contact.history.last_contact_at,
    }


def _note(interaction: Interaction, routing: dict[str, Any]) -> None:
    interaction.details = {**(interaction.details or {}), "routing": routing}


def restore(interaction: Interaction, queue: str | None = None) -> QueueEntry | None:
    """Put a caller back in line from the record after Redis lost the live state.

    ``queue`` is the queue Twilio holds the caller in, when known: after an overflow it is
    not the one the record was first written for.
    """
    routing = (interaction.details or {}).get("routing") or {}
    if "score" not in routing or interaction.twilio_sid is None:
        return None
    entry = QueueEntry(
        contact_id=interaction.twilio_sid,
        queue=queue or routing["queue"],
        score=float(routing["score"]),
        arrival=float(routing["arrived_at"]),
        payload=routing.get("payload")
        or {"kind": "call", "interaction_id": interaction.id, "trace": routing["trace"]},
    )
    store().rebuild([entry])
    log.warning("restored caller in %s from the record", entry.queue)
    return store().entry(entry.contact_id)


def working_agents(queue: str) -> int:
    """Agents at work who serve ``queue``."""
    return store().agents_at_work(queue)
