"""What the engine is told about a call from outside: who calls, when, and what they answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ivr_flows.errors import FlowError


@dataclass(frozen=True)
class Caller:
    """The caller as the customer records know them; an unknown caller has no attributes."""

    known: bool = False
    tier: str | None = None
    language: str | None = None
    region: str | None = None
    has_open_case: bool = False
    # (service, service area) of each of the caller's active accounts (read when an
    # incident is open: whether it touches the caller).
    accounts: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # From a call's signed state (JSON) they come back as lists.
        object.__setattr__(self, "accounts", tuple((str(s), str(a)) for s, a in self.accounts))


@dataclass(frozen=True)
class CallContext:
    """Facts that branches test: the time, the caller, incidents and manual closed switches."""

    now: datetime
    caller: Caller = field(default_factory=Caller)
    incident_affects_caller: bool = False
    # The affecting incident's current message, by language, as it is to be spoken.
    incident_notice: Mapping[str, str] = field(default_factory=dict)
    closed_switches: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise FlowError("CallContext.now must be a timezone-aware datetime")


@dataclass(frozen=True)
class CallerReply:
    """What the caller answered to a prompt: keys, speech, both or neither (silence)."""

    digits: str = ""
    speech: str = ""
    confidence: float | None = None

    @property
    def is_silence(self) -> bool:
        """Nothing pressed and nothing said (blank speech counts as nothing)."""
        return not self.digits.strip() and not self.speech.strip()
