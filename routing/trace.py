"""Wording shared by routing traces: points, durations, ordinals."""

from __future__ import annotations

_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)


def points(value: float) -> str:
    """Points as a trace shows them: ``+30``, ``+9.5``."""
    return f"+{value:.1f}".removesuffix(".0")


def seconds(value: float) -> str:
    """A duration in whole seconds: ``95 s``."""
    return f"{max(0, int(value))} s"


def ago(value: float) -> str:
    """How long ago, roughly: ``40 min ago``, ``5 h ago``, ``3 days ago``."""
    if value < 3600:
        return f"{max(1, int(value // 60))} min ago"
    if value < 86_400:
        return f"{int(value // 3600)} h ago"
    days = int(value // 86_400)
    return "1 day ago" if days == 1 else f"{days} days ago"


def ordinal(number: int) -> str:
    """``third`` for 3; ``12th`` past ten."""
    if 1 <= number <= len(_ORDINALS):
        return _ORDINALS[number - 1]
    suffix = (
        "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
