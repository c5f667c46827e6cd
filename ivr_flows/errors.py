"""Domain errors of the flow core, each problem tied to a place in a flow file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake found in a flow file, printed as ``file:line: message``."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"file": self.source, "line": self.line, "message": self.message}


class FlowError(Exception):
    """A flow cannot be loaded, verified or run; ``problems`` lists every known reason."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        detail = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{message}\n{detail}" if detail else message)
        self.message = message


class CallStateError(FlowError):
    """A serialized call state is malformed or does not fit the flow (tampered, stale)."""
