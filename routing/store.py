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
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from routing.model import Presence


class EntryState(StrEnum):
    """Where a contact is: the first two are live, the others are how it left."""

    WAITING = "waiting"
    OFFERED = "offered"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"
    CANCELLED = "cancelled"


class RemovalReason(StrEnum):
    """Why a contact left a queue without being answered; each is counted apart."""

    ABANDONED = "abandoned"  # the caller hung up
    OVERFLOWED = "overflowed"  # moved on up the overflow ladder
    CANCELLED = "cancelled"  # withdrawn by the app (a callback closed another way)


class TakeStatus(StrEnum):
    """The outcome of offering or accepting a contact; ``OFFERED`` and ``ACCEPTED`` hand it over."""

    OFFERED = "offered"
    ACCEPTED = "accepted"  # offered and accepted at once: being connected
    TAKEN = "taken"  # offered to or answered by someone else: the API answers 409
    RESERVED = "reserved"  # sticky: waiting for another agent until the reservation ends
    GONE = "gone"  # the caller hung up, overflowed or was cancelled
    NOT_FOUND = "not_found"
    EMPTY = "empty"  # none named, and nothing waiting that the agent may take
    UNAVAILABLE = "unavailable"  # the agent is not available
    HOLDING = "holding"  # the agent already has another offer pending


@dataclass(frozen=True)
class Reservation:
    """A sticky hold: agents other than ``agent_id`` skip the entry until ``until``."""

    agent_id: str
    until: float


@dataclass(frozen=True)
class QueueEntry:
    """One contact (call or callback) as the store knows it."""

    contact_id: str
    queue: str
    score: float
    arrival: float
    payload: Mapping[str, Any] = field(default_factory=dict)
    state: EntryState = EntryState.WAITING
    agent_id: str | None = None  # set while offered
    offered_at: float | None = None
    reservation: Reservation | None = None
    accepted_at: float | None = None  # set once the agent accepted the offer
    # Agents who declined the contact while it waited in this queue: not offered it again.
    declined: tuple[str, ...] = ()
    # Why this agent was offered the contact: routing's trace, kept with the offer.
    offer_trace: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        """Whether the contact is offered and the agent has not accepted it yet."""
        return self.state is EntryState.OFFERED and self.accepted_at is None


@dataclass(frozen=True)
class Enqueued:
    """What enqueue did: ``created`` is False when the contact was already live."""

    entry: QueueEntry
    created: bool


@dataclass(frozen=True)
class Position:
    """A waiting contact's place in priority order (1 = next) among ``waiting``."""

    position: int
    waiting: int


@dataclass(frozen=True)
class TakeResult:
    """The result of taking a specific contact; ``entry`` is set when it was offered."""

    status: TakeStatus
    entry: QueueEntry | None = None

    @property
    def ok(self) -> bool:
        """Whether the contact is now offered to (or accepted by) the asking agent."""
        return self.status in (TakeStatus.OFFERED, TakeStatus.ACCEPTED)


@dataclass(frozen=True)
class Removal:
    """A contact that left; ``entry.state`` says where it was (waiting or offered)."""

    entry: QueueEntry
    reason: RemovalReason


@dataclass(frozen=True)
class Answered:
    """An answered contact with its speed of answer (seconds from arrival)."""

    entry: QueueEntry
    speed_of_answer: float
    within_threshold: bool


@dataclass(frozen=True)
class AgentPresence:
    """An agent's presence; ``idle_since`` is set only while available (longest idle first)."""

    agent_id: str
    state: Presence
    since: float
    last_seen: float
    queues: tuple[str, ...] = ()
    idle_since: float | None = None
    offer: str | None = None  # the contact offered to the agent and not accepted yet


@dataclass(frozen=True)
class QueueStats:
    """Live figures and rolling-window counters of one queue."""

    queue: str
    waiting: int
    longest_wait: float
    window_hours: int
    entered: int
    answered: int
    answered_within: int
    service_level_seconds: float
    speed_of_answer_total: float
    handled: int
    handle_time_total: float
    abandoned: int
    overflowed: int
    returned: int
    agents: Mapping[str, int] = field(default_factory=dict)  # presence state -> count

    @property
    def service_level(self) -> float | None:
        """Share of answered contacts answered within the threshold; None before any."""
        return self.answered_within / self.answered if self.answered else None

    @property
    def average_speed_of_answer(self) -> float | None:
        """Mean seconds from arrival to answer."""
        return self.speed_of_answer_total / self.answered if self.answered else None

    @property
    def average_handle_time(self) -> float | None:
        """Mean handle time recorded at wrap-up."""
        return self.handle_time_total / self.handled if self.handled else None

    @property
    def abandonment_rate(self) -> float | None:
        """Abandoned among contacts that were answered or abandoned."""
        ended = self.answered + self.abandoned
        return self.abandoned / ended if ended else None


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
    ) -> Enqueued:
        """Put a contact in a queue; a live contact keeps its place unless ``replace``."""
        ...

    def entry(self, contact_id: str) -> QueueEntry | None:
        """The contact's current entry (live or recently gone), if the store knows it."""
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
