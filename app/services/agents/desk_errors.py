"""The error the agent desk answers with: a message and the HTTP status to send it with."""

from __future__ import annotations


class DeskError(Exception):
    """A request the agent desk refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
