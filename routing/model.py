"""The routing model: frozen dataclasses for contacts waiting, agents, queues and decisions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from routing.errors import NoAgentAvailable, NoContactWaiting

MIN_PROFICIENCY = 1
MAX_PROFICIENCY = 5
# One voice call at a time: an agent on a call, or wrapping one up, takes no other.
VOICE_CAPACITY = 1
CALLBACK_PREFIX = "callback:"
SMS_PREFIX = "sms:"
# Texts an agent may hold at once. A text takes no voice line (a texter waits minutes
# between replies), so an agent holding texts may still be offered a call, and keeps them.
TEXT_CAPACITY = 3
SECONDS_PER_DAY = 86_400.0

# Outcomes of a customer's most recent contact that make the next one more urgent: they hung
# up waiting, we failed to call them back, or they were passed from agent to agent.
BAD_OUTCOMES = frozenset(
    {
        "abandoned",
        "abandoned_in_ivr",
        "callback_failed",
        "dropped",
        "transferred_repeatedly",
        "voicemail_unanswered",
    }
)

ContactKind = Literal["call", "callback", "sms"]


class Presence(enum.StrEnum):
    """An agent's state: only ``available`` agents are offered contacts."""

    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFFLINE = "offline"


# At work and free now or soon: who staffs a queue, and whom a sticky caller may wait for.
# (The store counts an away agent as logged in; routing does not wait for one.)
WORKING = frozenset({Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP})


@dataclass(frozen=True, kw_only=True)
class CustomerValue:
    """What the caller is worth to us; ``tier`` is None for an unknown caller."""

    tier: str | None = None
    lifetime_value: float = 0.0


@dataclass(frozen=True, kw_only=True)
class History:
    """The caller's earlier contacts, not counting the one now waiting."""

    contacts_24h: int = 0
    # Earlier contacts in the last 7 days, including those of the last 24 hours.
    contacts_7d: int = 0
    open_cases: tuple[int, ...] = ()
    last_outcome: str | None = None
    last_agent_id: str | None = None
    last_contact_at: float | None = None

    @property
    def bad_outcome(self) -> bool:
        """Whether the most recent contact ended badly (one of BAD_OUTCOMES)."""
        return self.last_outcome in BAD_OUTCOMES


@dataclass(frozen=True, kw_only=True)
class Contact:
    """A contact waiting for an agent: a live call (its CallSid), a callback task or an SMS
    conversation."""

    id: str
    kind: ContactKind = "call"
    queue: str
    # Every skill the contact needs: the queue's and those the IVR flow added.
    skills: tuple[str, ...] = ()
    language: str = "en"
    # Epoch seconds; a callback keeps the arrival time of the call that asked for it.
    arrived_at: float
    priority_hint: int = 0
    customer: CustomerValue = field(default_factory=CustomerValue)
    history: History = field(default_factory=History)

    def __post_init__(self) -> None:
        if (self.kind == "callback") != self.id.startswith(CALLBACK_PREFIX):
            raise ValueError(f"a callback's id starts with {CALLBACK_PREFIX!r}: {self.id!r}")
        if (self.kind == "sms") != self.id.startswith(SMS_PREFIX):
            raise ValueError(f"an SMS conversation's id starts with {SMS_PREFIX!r}: {self.id!r}")


@dataclass(frozen=True, kw_only=True)
class Agent:
    """An agent as routing sees them: skills (proficiency 1-5), languages, presence."""

    id: str
    name: str
    skills: Mapping[str, int] = field(default_factory=dict)
    languages: tuple[str, ...] = ("en",)
    presence: Presence = Presence.OFFLINE
    # Epoch seconds since the agent last became available (end of wrap-up, login).
    idle_since: float = 0.0
    voice_calls: int = 0
    # A contact is offered to the agent, not accepted yet: their one voice line is spoken for.
    offer_pending: bool = False
    # SMS conversations the agent holds (accepted, not closed): up to TEXT_CAPACITY.
    texts: int = 0

    def __post_init__(self) -> None:
        for skill, level in self.skills.items():
            if not MIN_PROFICIENCY <= level <= MAX_PROFICIENCY:
                raise ValueError(f"{self.name}: proficiency in {skill!r} must be 1-5, not {level}")

    @property
    def working(self) -> bool:
        """Whether the agent is at work: available, busy or wrapping up (not away, offline)."""
        return self.presence in WORKING

    @property
    def has_capacity(self) -> bool:
        """Whether the agent can be offered a voice call right now."""
        free_line = self.voice_calls < VOICE_CAPACITY and not self.offer_pending
        return self.presence is Presence.AVAILABLE and free_line

    @property
    def texts_full(self) -> bool:
        """Whether the agent holds as many texts as they may."""
        return self.texts >= TEXT_CAPACITY

    def proficiency(self, skill: str) -> int:
        """The agent's level in ``skill``; 0 when the agent lacks it."""
        return self.skills.get(skill, 0)


@dataclass(frozen=True, kw_only=True)
class QueueConfig:
    """A queue: what its agents need, how long a caller may wait, where they go after."""

    name: str
    skills: tuple[str, ...] = ()
    language: str = "en"
    max_wait_seconds: float = 300.0
    # The next queue on the overflow ladder; None means the fallback line.
    overflow: str | None = None


@dataclass(frozen=True)
class Priority:
    """A contact's base priority (before aging) and the reasons for it, one per line."""

    base: float
    trace: tuple[str, ...]


@dataclass(frozen=True)
class WaitingContact:
    """A waiting contact with its priority, as the queue store holds it."""

    contact: Contact
    priority: Priority


@dataclass(frozen=True, kw_only=True)
class Decision:
    """A routing decision: who takes what, or why nobody does yet, with its trace."""

    trace: tuple[str, ...]
    agent: Agent | None = None
    contact: Contact | None = None
    # Set while a caller waits for their last agent (sticky routing), until the epoch time.
    reserved_for: Agent | None = None
    reserved_until: float | None = None

    def match(self) -> tuple[Agent, Contact]:
        """The agent and the contact to connect; NoAgentAvailable or NoContactWaiting if none."""
        if self.agent is not None and self.contact is not None:
            return self.agent, self.contact
        if self.contact is not None:
            raise NoAgentAvailable(self.contact.id, self.trace)
        raise NoContactWaiting(self.agent.name if self.agent else "nobody", self.trace)
