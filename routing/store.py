"""The queue store contract: who waits where, who is offered what, agent presence, stats.

The store keeps live state only; the database stays the record. Entries are opaque: the
store orders them by the policy's score (higher first, ties by earlier arrival) and keeps
the app's payload as is. Every state change is atomic, so a contact is always exactly one
of: waiting in one queue, offered to one agent, or gone with a reason.

An offer is pending until the agent accepts it (``accepted_at`` set) and may then be taken
back (missed or declined); an agent has at most one pending offer, and only an available
agent is offered anything (``offer``). Routing decides who; the store only makes it safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from routing.entries import (
    AgentPresence,
    Answered,
    Enqueued,
    EntryState,
    Position,
    QueueEntry,
    QueueStats,
    Removal,
    RemovalReason,
    Reservation,
    TakeResult,
    TakeStatus,
)
from routing.model import Presence

__all__ = [
    "AgentPresence",
    "Answered",
    "Enqueued",
    "EntryState",
    "Position",
    "QueueEntry",
    "QueueStats",
    "QueueStore",
    "Removal",
    "RemovalReason",
    "Reservation",
    "TakeResult",
    "TakeStatus",
]


class QueueStore(Protocol):
    """Live queues and agent presence; every method is atomic on its own."""

    def enqueue(
        self,
        contact_id: str,
        queue: str,
        *,
        score: float,
        arrival: float,
        payload: Mapping[str, Any] | None = None,
        reservation: Reservation | None = None,
        replace: bool = False,
        staffed: bool = False,
        free_for: Sequence[str] | None = None,
    ) -> Enqueued:
        """Put a contact in a queue; a live contact keeps its place unless ``replace``.

        ``staffed``: only if an agent serving the queue is at work (else ``staffed`` is
        False in the result and nothing changed). ``free_for``: also say who may be offered
        the contact now, as ``free_agents`` would with these extra agents.
        """
        ...

    def entry(self, contact_id: str) -> QueueEntry | None:
        """The contact's current entry (live or recently gone), if the store knows it."""
        ...

    def known(self, contact_ids: Sequence[str]) -> set[str]:
        """Those of ``contact_ids`` the store holds (live or recently gone)."""
        ...

    def position(self, contact_id: str) -> Position | None:
        """The place of a waiting contact in priority order; None if not waiting."""
        ...

    def waiting_count(self, queue: str) -> int:
        """How many contacts wait in ``queue``."""
        ...

    def waiting(self, queue: str, *, offset: int = 0, limit: int = 50) -> list[QueueEntry]:
        """Waiting entries in priority order, from ``offset``, at most ``limit``."""
        ...

    def take_next(self, agent_id: str, queues: Sequence[str]) -> QueueEntry | None:
        """Offer the best waiting contact of ``queues`` this agent may take, if any."""
        ...

    def take(self, contact_id: str, agent_id: str) -> TakeResult:
        """Offer one specific contact to an agent, or say why not."""
        ...

    def offer(self, contact_id: str, agent_id: str, trace: Sequence[str] = ()) -> TakeResult:
        """Offer a waiting contact to an available agent with no offer pending, or say why not."""
        ...

    def accept(
        self,
        agent_id: str,
        queues: Sequence[str],
        contact_id: str | None = None,
        trace: Sequence[str] = (),
    ) -> TakeResult:
        """The agent accepts: their pending offer, else ``contact_id``, else the best waiting."""
        ...

    def pending_offer(self, agent_id: str) -> QueueEntry | None:
        """The contact offered to the agent and not accepted yet, if any."""
        ...

    def decline(self, contact_id: str, agent_id: str) -> bool:
        """The agent declines their pending offer: back in its place, never offered them again."""
        ...

    def take_back(
        self, contact_id: str, agent_id: str, offered_by: float, away: Presence | None = None
    ) -> bool:
        """Return a pending offer made by ``offered_by``; an available agent is set ``away``."""
        ...

    def return_offered(self, contact_id: str, agent_id: str | None = None) -> bool:
        """Put an offered contact back in its place (same score, same arrival)."""
        ...

    def stale_offers(self, older_than: float) -> list[QueueEntry]:
        """Pending offers (not accepted) made more than ``older_than`` seconds ago."""
        ...

    def now(self) -> float:
        """The store's clock (epoch seconds): offers, idle times and waits are measured on it."""
        ...

    def answer(self, contact_id: str, agent_id: str) -> Answered | None:
        """Record that the agent answered the contact offered to them."""
        ...

    def release_text(self, agent_id: str) -> int:
        """The agent closed an SMS conversation they held; the texts they still hold."""
        ...

    def remove(self, contact_id: str, reason: RemovalReason) -> Removal | None:
        """Take a waiting or offered contact out for ``reason``; None if not live."""
        ...

    def record_handle_time(self, queue: str, seconds: float) -> None:
        """Count one handled contact and its handle time (called at wrap-up)."""
        ...

    def rebuild(self, entries: Iterable[QueueEntry]) -> int:
        """Re-enqueue entries from the record (as waiting); returns how many were added."""
        ...

    def set_presence(
        self, agent_id: str, state: Presence, queues: Sequence[str] | None = None
    ) -> AgentPresence:
        """Set an agent's state (and the queues served); counts as a heartbeat."""
        ...

    def heartbeat(self, agent_id: str) -> bool:
        """Keep a logged-in agent alive; False if the agent is offline (log in again)."""
        ...

    def presence(self, agent_id: str) -> AgentPresence | None:
        """One agent's presence."""
        ...

    def agents(self, state: Presence | None = None) -> list[AgentPresence]:
        """Known agents, optionally only those in ``state``."""
        ...

    def logged_in_agents(self, queues: Sequence[str]) -> list[AgentPresence]:
        """Logged-in agents serving any of ``queues``: available longest-idle first."""
        ...

    def free_agents(self, queues: Sequence[str], also: Sequence[str] = ()) -> list[AgentPresence]:
        """Agents of ``queues`` who may be offered a contact now, then ``also`` if logged in."""
        ...

    def agents_at_work(self, queue: str) -> int:
        """How many agents serving ``queue`` are available, busy or wrapping up."""
        ...

    def expire_agents(self) -> list[str]:
        """Set agents whose heartbeat stopped offline; returns their ids."""
        ...

    def queue_names(self) -> list[str]:
        """Queues the store has seen contacts or agents for."""
        ...

    def stats(self, queue: str, hours: int = 24) -> QueueStats:
        """The queue's live figures and its counters over the last ``hours`` (up to 24)."""
        ...
