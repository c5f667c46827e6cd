"""What the queue store holds and answers: entries, offers, agent presence, statistics.

Plain values (frozen dataclasses and enums) shared by the store contract (``routing.store``),
its Redis implementation and the app; see ``routing.store`` for what the states mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
    FULL = "full"  # a text, and the agent holds as many texts as they may (TEXT_CAPACITY)


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
    """What enqueue did: ``created`` is False when the contact was already live, and
    ``staffed`` False when it was not put in because nobody serving the queue is at work.
    ``free`` is who may be offered it now, when asked for (read in the same round trip).
    """

    entry: QueueEntry
    created: bool
    staffed: bool = True
    free: tuple[AgentPresence, ...] = ()


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
    texts: int = 0  # SMS conversations the agent holds (they take no voice line)


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
