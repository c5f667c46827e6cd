"""Domain errors of the routing core; adapters turn them into HTTP statuses or TwiML."""

from __future__ import annotations

from collections.abc import Iterable


class RoutingError(Exception):
    """Base class of every error the routing core raises."""


class NoAgentAvailable(RoutingError):
    """No agent can take the contact now; ``trace`` says why."""

    def __init__(self, contact_id: str, trace: Iterable[str] = ()) -> None:
        self.contact_id = contact_id
        self.trace: tuple[str, ...] = tuple(trace)
        reasons = "; ".join(self.trace)
        super().__init__(
            f"no agent available for {contact_id}" + (f": {reasons}" if reasons else "")
        )


class NoContactWaiting(RoutingError):
    """Nothing is waiting that the agent may take; ``trace`` says why."""

    def __init__(self, agent_name: str, trace: Iterable[str] = ()) -> None:
        self.agent_name = agent_name
        self.trace: tuple[str, ...] = tuple(trace)
        reasons = "; ".join(self.trace)
        super().__init__(f"nothing for {agent_name}" + (f": {reasons}" if reasons else ""))


class NotEligible(RoutingError):
    """The agent may not take this contact (skill, language, presence or capacity)."""

    def __init__(self, agent_name: str, contact_id: str, reason: str) -> None:
        self.agent_name = agent_name
        self.contact_id = contact_id
        self.reason = reason
        super().__init__(f"{agent_name} may not take {contact_id}: {reason}")


class WeightsError(RoutingError):
    """A weights file cannot be read or is invalid; ``problems`` lists ``file:line: message``."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        detail = "\n".join(self.problems)
        super().__init__(f"{message}\n{detail}" if detail else message)
        self.message = message
