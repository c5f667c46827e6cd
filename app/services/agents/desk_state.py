"""The console's view of one agent's desk: presence and time in it, queues, the offer.

One read for the top of the console, refreshed on every live event: each queue with its
waiting count and longest wait, and its callers in priority order with a name (or a masked
number) so the agent sees who waits without the number being shown to the whole floor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Agent as AgentRow
from app.models import Customer
from app.services.agents import desk_view
from app.services.calls import queueing

# Callers listed per queue on the console; the count says how many more wait.
SHOWN = 10


def desk_state(agent: AgentRow) -> dict[str, Any]:
    """Presence (state, since), my queues with their callers, and my pending offer."""
    store = queueing.store()
    now = store.now()
    presence = store.presence(str(agent.id))
    queues = desk_view.waiting_for(agent, limit=SHOWN)
    offer = desk_view.offer_for(agent)
    contacts = [c for q in queues for c in q["contacts"]] + ([offer] if offer else [])
    _add_callers(contacts)
    return {
        "agent": {"id": agent.id, "name": agent.name},
        "state": presence.state.value if presence else "offline",
        "seconds_in_state": round(now - presence.since) if presence else 0,
        "queues": [_summary(q) for q in queues],
        "offer": offer,
        "now": now,
    }


def queue_line(queue: str) -> dict[str, Any]:
    """One queue as the console lists it, the same for every agent serving it: the live
    stream pushes it to their pages when the queue changes, instead of each page reading
    its whole desk again."""
    [line] = desk_view.waiting_in([queue], limit=SHOWN)
    _add_callers(line["contacts"])
    return _summary(line)


def _summary(queue: dict[str, Any]) -> dict[str, Any]:
    contacts = queue["contacts"]
    longest = max((c["waited_seconds"] for c in contacts), default=0)
    return {**queue, "longest_wait_seconds": longest}


def _add_callers(contacts: Iterable[dict[str, Any]]) -> None:
    """Give each contact ``caller``: the customer's name when known, else a masked number."""
    contacts = list(contacts)
    names = _names({c["customer_id"] for c in contacts if c.get("customer_id")})
    for contact in contacts:
        name = names.get(contact.get("customer_id"))
        contact["caller"] = name or contact.get("caller_number") or "unknown caller"


def _names(ids: set[Any]) -> dict[Any, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
    return {row.id: row.name for row in rows}


def transfer_targets(agent: AgentRow) -> dict[str, list[Any]]:
    """Where I may transfer a call: every queue, and every other active agent."""
    from app.models import User
    from app.services.calls.routing_data import queue_configs

    agents = db.session.execute(
        select(AgentRow.id, User.name)
        .join(User, User.id == AgentRow.user_id)
        .where(User.active.is_(True), AgentRow.id != agent.id)
        .order_by(User.name)
    )
    return {
        "queues": sorted(queue_configs(db.session)),
        "agents": [{"id": row.id, "name": row.name} for row in agents],
    }
