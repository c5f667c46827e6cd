"""Pushing contacts to agents: every contact is offered to the best eligible agent.

When a contact starts waiting (a call put in line, a callback, an overflow, a contact put
back) routing's ``choose_agent`` picks among the available agents of its queue; when an
agent becomes available, ``choose_contact`` picks their next contact (``routing.choice``
states the rule). The store then reserves the contact for that one agent atomically: never
two agents for one contact, never two pending offers for one agent, whichever process
offers. The agent accepts or declines through the API; an offer left longer than
``OFFER_TIMEOUT`` is taken back by the sweep (``app.services.agents.offer_sweeper``).

Offering is best effort by design: if Redis or the database fails here, the contact keeps
waiting in Twilio's queue and on the hold/overflow ladder, and the next sweep tries again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Agent as AgentRow
from app.services.calls import queueing
from app.services.calls.routing_data import agent_profile, contact_of, live_agent
from routing import Agent, after_missed_offer, choose_agent, choose_contact
from routing.model import Presence
from routing.store import AgentPresence, EntryState, QueueEntry, TakeStatus

log = logging.getLogger(__name__)

# Seconds an agent's skills and languages are kept per process (supervisors' edits show then).
PROFILE_SECONDS = 10.0
# Waiting contacts per queue that routing looks at for a freed agent or in a sweep.
LOOKAHEAD = 20
# The agent was taken or left meanwhile: the next best is tried, not the same one again.
AGENT_GONE = (TakeStatus.HOLDING, TakeStatus.UNAVAILABLE, TakeStatus.FULL)

T = TypeVar("T")


def contact_waiting(
    contact_id: str,
    why: Sequence[str] = (),
    excluding: Collection[str] = (),
    known: QueueEntry | None = None,
    free: Sequence[AgentPresence] | None = None,
) -> QueueEntry | None:
    """A contact (again) waits: offer it to the best agent now, if any (best effort).

    ``known`` is its entry and ``free`` who may be offered it, when the caller has them
    already (the store said both when it enqueued the contact): no reading them again.
    """
    return _best_effort(
        f"offering {contact_id}", lambda: offer_contact(contact_id, why, excluding, known, free)
    )


def agent_free(agent_id: str) -> QueueEntry | None:
    """An agent became available: offer them the contact routing picks, if any (best effort)."""
    return _best_effort(f"offering agent {agent_id} a contact", lambda: offer_agent(agent_id))


def agent_left(agent_id: str, name: str) -> QueueEntry | None:
    """An agent went away or offline: their pending offer goes to the next best (best effort)."""
    return _best_effort(f"taking back agent {agent_id}'s offer", lambda: withdraw(agent_id, name))


def offer_contact(
    contact_id: str,
    why: Sequence[str] = (),
    excluding: Collection[str] = (),
    known: QueueEntry | None = None,
    free: Sequence[AgentPresence] | None = None,
) -> QueueEntry | None:
    """Offer a waiting contact to the agent ``choose_agent`` picks; the entry, if offered."""
    store = queueing.store()
    entry = known if known is not None else store.entry(contact_id)
    if entry is None or entry.state is not EntryState.WAITING:
        return None
    live = free
    if live is None:
        last_agent = entry.payload.get("last_agent_id")
        live = store.free_agents([entry.queue], also=[str(last_agent)] if last_agent else [])
    if not any(_free(presence) for presence in live):
        return None  # nobody can take it now: the next agent to become free is offered it
    return offer_to_best(entry, _roster(live), why, excluding)


def offer_to_best(
    entry: QueueEntry,
    roster: dict[str, Agent],
    why: Sequence[str] = (),
    excluding: Collection[str] = (),
) -> QueueEntry | None:
    """Offer ``entry`` to the best agent of ``roster`` (updated in place); None if nobody."""
    contact = contact_of(entry)
    skip = {*excluding, *entry.declined}
    store = queueing.store()
    while True:
        candidates = [agent for agent in roster.values() if agent.id not in skip]
        decision = choose_agent(contact, candidates, store.now(), queueing.weights())
        if decision.agent is None:
            log.debug("%s waits: %s", contact.id, "; ".join(decision.trace))
            return None
        chosen = decision.agent
        result = store.offer(contact.id, chosen.id, [*why, *decision.trace])
        if result.ok:
            roster[chosen.id] = replace(chosen, offer_pending=True)
            return result.entry
        if result.status not in AGENT_GONE:
            return None  # answered, offered elsewhere or gone meanwhile
        roster.pop(chosen.id)


def offer_agent(agent_id: str) -> QueueEntry | None:
    """Offer an available agent the contact ``choose_contact`` picks; the entry, if offered."""
    store = queueing.store()
    presence = store.presence(agent_id)
    if presence is None or presence.state is not Presence.AVAILABLE or presence.offer:
        return None
    roster = load_roster(presence.queues)
    agent = roster.get(agent_id)
    waiting = [e for e in waiting_in(presence.queues) if agent_id not in e.declined]
    while agent is not None and waiting:
        contacts = [contact_of(entry) for entry in waiting]
        decision = choose_contact(agent, contacts, roster.values(), store.now(), queueing.weights())
        if decision.contact is None:
            return None
        taken = decision.contact.id
        result = store.offer(taken, agent_id, [f"{agent.name} is available", *decision.trace])
        if result.ok or result.status in AGENT_GONE:
            return result.entry
        waiting = [entry for entry in waiting if entry.contact_id != taken]
    return None


def offer_waiting() -> int:
    """Offer waiting contacts to free agents, in serving order: what events may have missed."""
    store = queueing.store()
    free = [agent for agent in store.agents(Presence.AVAILABLE) if agent.offer is None]
    queues = sorted({queue for agent in free for queue in agent.queues})
    rosters: dict[str, dict[str, Agent]] = {}
    offered: set[str] = set()  # agents this sweep offered a contact to
    for entry in waiting_in(queues):
        if len(offered) == len(free):
            break
        if entry.queue not in rosters:
            rosters[entry.queue] = load_roster([entry.queue])
        done = offer_to_best(entry, rosters[entry.queue], excluding=offered)
        if done is not None and done.agent_id is not None:
            offered.add(done.agent_id)
    return len(offered)


def withdraw(agent_id: str, name: str) -> QueueEntry | None:
    """Take back the agent's pending offer (they left) and offer it to the next best."""
    store = queueing.store()
    entry = store.pending_offer(agent_id)
    if entry is None or not store.take_back(entry.contact_id, agent_id, store.now()):
        return None
    return offer_contact(entry.contact_id, (f"{name} left before answering an offer",))


def decline(agent_id: str, name: str) -> QueueEntry | None:
    """The agent declines their pending offer: it goes to the next best; the declined entry."""
    store = queueing.store()
    entry = store.pending_offer(agent_id)
    if entry is None or not store.decline(entry.contact_id, agent_id):
        return None
    contact_waiting(entry.contact_id, (f"declined by {name}: offered to the next best",))
    return entry


def take_back_missed(entry: QueueEntry, timeout: float) -> bool:
    """A pending offer past ``timeout``: back in its place, its agent set away, next best."""
    agent_id = entry.agent_id
    if agent_id is None or entry.offered_at is None:
        return False
    agent = _agent(agent_id)
    away = after_missed_offer(agent).presence
    if not queueing.store().take_back(entry.contact_id, agent_id, entry.offered_at, away):
        return False  # accepted, declined or taken back by another sweep meanwhile
    why = f"{agent.name} did not answer the offer within {timeout:g} s: set {away.value}"
    log.warning("%s; %s goes back to its place", why, entry.contact_id)
    contact_waiting(entry.contact_id, (why,))
    return True


def load_roster(queues: Sequence[str]) -> dict[str, Agent]:
    """The logged-in agents of ``queues`` as routing sees them, by id."""
    return _roster(queueing.store().logged_in_agents(queues))


def _roster(live: Iterable[AgentPresence]) -> dict[str, Agent]:
    presences = {presence.agent_id: presence for presence in live}
    profiles = agent_profiles(presences)
    return {
        agent_id: live_agent(profiles[agent_id], presence)
        for agent_id, presence in presences.items()
        if agent_id in profiles
    }


def agent_profiles(agent_ids: Iterable[str]) -> dict[str, Agent]:
    """Agents' skills and languages by id, re-read from the database every few seconds.

    Every enqueue offers its contact, so reading every agent of the queue with their skills
    each time would cost more than the rest of the webhook.
    """
    cached = current_app.extensions.get("routing.agent_profiles")
    now = time.monotonic()
    if cached is None or now - cached[0] > PROFILE_SECONDS:
        cached = (now, {})
        current_app.extensions["routing.agent_profiles"] = cached
    profiles: dict[str, Agent] = cached[1]
    wanted = set(agent_ids)
    missing = [int(agent_id) for agent_id in wanted - profiles.keys() if agent_id.isdigit()]
    for row in _agent_rows(missing):
        profiles[str(row.id)] = agent_profile(row)
    return {agent_id: profiles[agent_id] for agent_id in wanted if agent_id in profiles}


def _free(presence: AgentPresence) -> bool:
    return presence.state is Presence.AVAILABLE and presence.offer is None


def waiting_in(queues: Sequence[str]) -> list[QueueEntry]:
    """The first waiting entries of each queue, merged in the store's serving order."""
    store = queueing.store()
    entries = [entry for queue in queues for entry in store.waiting(queue, limit=LOOKAHEAD)]
    return sorted(entries, key=lambda e: (-e.score, e.arrival, e.contact_id))


def _agent_rows(ids: Iterable[int]) -> Sequence[AgentRow]:
    wanted = list(ids)
    if not wanted:
        return []
    options = [selectinload(AgentRow.skills), selectinload(AgentRow.user)]
    return db.session.scalars(
        select(AgentRow).where(AgentRow.id.in_(wanted)).options(*options)
    ).all()


def _agent(agent_id: str) -> Agent:
    """An agent by id as routing sees them; a stranger to the database keeps their id as name."""
    return agent_profiles([agent_id]).get(agent_id) or Agent(id=agent_id, name=f"agent {agent_id}")


def _best_effort(what: str, step: Callable[[], T]) -> T | None:
    """Run an offering step; a Redis or database failure leaves the contact waiting."""
    try:
        return step()
    except (RedisError, SQLAlchemyError) as exc:
        if isinstance(exc, SQLAlchemyError):
            db.session.rollback()
        log.warning("%s failed (%s); it waits for the next sweep", what, type(exc).__name__)
        return None
