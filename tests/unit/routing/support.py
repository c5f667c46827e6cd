"""Builders for routing tests: contacts, agents and a queue simulation over the ordering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from routing import (
    Agent,
    Contact,
    CustomerValue,
    History,
    Presence,
    Weights,
    prioritize,
    serving_order,
    waiting_contact,
)

# Tuesday 10 March 2026, 15:00 UTC: an epoch time of today's size, so rounding is realistic.
NOW = 1_773_154_800.0
DAY = 86_400.0


def contact(
    contact_id: str = "CA1",
    *,
    arrived_at: float = NOW,
    tier: str | None = "bronze",
    queue: str = "general",
    skills: tuple[str, ...] = (),
    language: str = "en",
    lifetime_value: float = 0.0,
    history: History | None = None,
    priority_hint: int = 0,
) -> Contact:
    """A waiting call; bronze, with no history, unless told otherwise."""
    return Contact(
        id=contact_id,
        queue=queue,
        skills=skills,
        language=language,
        arrived_at=arrived_at,
        priority_hint=priority_hint,
        customer=CustomerValue(tier=tier, lifetime_value=lifetime_value),
        history=history or History(),
    )


def agent(
    agent_id: str = "a1",
    name: str = "Ana",
    *,
    skills: Mapping[str, int] | None = None,
    languages: tuple[str, ...] = ("en",),
    presence: Presence = Presence.AVAILABLE,
    idle_since: float = NOW - 60,
) -> Agent:
    """An available English-speaking agent, idle for a minute, unless told otherwise."""
    return Agent(
        id=agent_id,
        name=name,
        skills=skills or {},
        languages=languages,
        presence=presence,
        idle_since=idle_since,
    )


def returning(last_agent: str, days_ago: float, *, at: float = NOW) -> History:
    """History of a caller whose last contact, ``days_ago`` before ``at``, went to an agent."""
    return History(contacts_7d=1, last_agent_id=last_agent, last_contact_at=at - days_ago * DAY)


@dataclass(frozen=True)
class Answer:
    """When a simulated contact was answered."""

    contact: Contact
    at: float

    @property
    def waited(self) -> float:
        """Seconds from arrival to answer."""
        return self.at - self.contact.arrived_at


def simulate(
    arrivals: Iterable[Contact], *, agents: int, handle: float, until: float, weights: Weights
) -> dict[str, Answer]:
    """Serve contacts with identical agents taking the first in serving order; answers by id."""
    pending = sorted(arrivals, key=lambda c: c.arrived_at)
    waiting = []
    free_at = [min(c.arrived_at for c in pending)] * agents
    answers: dict[str, Answer] = {}
    while True:
        slot = min(range(agents), key=free_at.__getitem__)
        now = free_at[slot]
        if now > until:
            return answers
        while pending and pending[0].arrived_at <= now:
            waiting.append(waiting_contact(pending.pop(0), weights))
        if not waiting:
            if not pending:
                return answers
            free_at[slot] = pending[0].arrived_at
            continue
        best = serving_order(waiting, weights)[0]
        waiting.remove(best)
        answers[best.contact.id] = Answer(best.contact, now)
        free_at[slot] = now + handle


def base(contact: Contact, weights: Weights) -> float:
    """The contact's base priority."""
    return prioritize(contact, weights).base
