"""What an agent sees at their desk: the queues they serve, and the contact offered to them.

Each contact comes with its priority trace; a callback also with its number (country,
type) and its story (``app.services.callbacks.callback_view``), so the agent can judge it before
anyone is called.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app

from app.extensions import db
from app.log import mask_phone
from app.models import Agent as AgentRow
from app.services.agents import waiting_lines
from app.services.callbacks import callback_view
from app.services.calls import queueing
from app.services.calls.routing_data import agent_profile, queue_configs
from routing import Priority, explain, queues_for
from routing.store import QueueEntry

SERVED_FOR = 10.0  # seconds the console's copy of an agent's queues is kept


def served_queues(agent: AgentRow) -> list[str]:
    """The queues this agent has the skills and language for."""
    return [q.name for q in queues_for(agent_profile(agent), queue_configs(db.session).values())]


def served_queues_seen(agent: AgentRow) -> list[str]:
    """``served_queues`` as the console shows it: read again every ``SERVED_FOR`` seconds,
    not on each of the hundred reads a busy floor makes per second (skills rarely change;
    taking a contact always checks them afresh)."""
    kept: dict[int, tuple[float, list[str]]] = current_app.extensions.setdefault(
        "agents.served_queues", {}
    )
    now = time.monotonic()
    copy = kept.get(agent.id)
    if copy is None or now - copy[0] >= SERVED_FOR:
        copy = kept[agent.id] = (now, served_queues(agent))
    return copy[1]


def waiting_for(agent: AgentRow, limit: int = 50) -> list[dict[str, Any]]:
    """Each served queue with its waiting count and its first contacts in priority order,
    each with its trace."""
    return waiting_in(served_queues_seen(agent), limit)


def waiting_in(queues: list[str], limit: int = 50) -> list[dict[str, Any]]:
    """``waiting_for`` the queues named: what every agent serving them sees alike."""
    store = queueing.store()
    now = store.now()
    found = waiting_lines.lines(queues, limit)
    callbacks = callback_view.describe(e for line in found.values() for e in line.entries)
    return [
        {
            "queue": name,
            "waiting": line.waiting,
            "contacts": [describe(entry, now, callbacks) for entry in line.entries],
        }
        for name, line in found.items()
    ]


def offer_for(agent: AgentRow) -> dict[str, Any] | None:
    """The contact offered to the agent, with both traces and the deadline to accept it."""
    store = queueing.store()
    entry = store.pending_offer(str(agent.id))
    if entry is None or entry.offered_at is None:
        return None
    now = store.now()
    deadline = entry.offered_at + float(current_app.config["OFFER_TIMEOUT"])
    return {
        **describe(entry, now, callback_view.describe([entry])),
        "offer_trace": list(entry.offer_trace),
        "offered_at": entry.offered_at,
        "deadline": deadline,
        "seconds_left": max(0, round(deadline - now)),
    }


def describe(entry: QueueEntry, now: float, callbacks: dict[str, Any]) -> dict[str, Any]:
    """One contact as the agent sees it; ``callbacks`` holds the callback views by id."""
    payload = dict(entry.payload)
    waited = max(0.0, now - entry.arrival)
    priority = Priority(float(payload.get("base", 0.0)), tuple(payload.get("trace", ())))
    return {
        "contact_id": entry.contact_id,
        "queue": entry.queue,
        "kind": payload.get("kind", "call"),
        "tier": payload.get("tier"),
        "language": payload.get("language"),
        "waited_seconds": round(waited),
        "trace": list(explain(priority, waited, queueing.weights())),
        "reserved_for": entry.reservation.agent_id if entry.reservation else None,
        "customer_id": payload.get("customer_id"),
        # Enough to tell callers apart on a screen the whole floor can see, not to dial.
        "caller_number": mask_phone(str(payload.get("from") or payload.get("phone") or "")),
        "callback": callbacks.get(entry.contact_id),
    }
