"""Helpers for flow tests: line numbers of markers, fixed call contexts, running a call."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ivr_flows import (
    CallContext,
    Caller,
    CallerReply,
    Enqueue,
    Flow,
    FlowError,
    Say,
    Step,
    load_flow,
    resume,
    start,
)

# Tuesday 10 March 2026, 10:00 in Chicago (open) and Monday 9 March, 23:00 in Chicago (closed).
OPEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
CLOSED = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
SILENCE = CallerReply()


def line_of(path: Path, marker: str, nth: int = 1) -> int:
    """The 1-based number of the ``nth`` line of ``path`` containing ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, start=1) if marker in line]
    if len(found) < nth:
        raise AssertionError(f"{marker!r} is not {nth} time(s) in {path}")
    return found[nth - 1]


def context(
    now: datetime = OPEN,
    *,
    tier: str | None = None,
    language: str | None = None,
    known: bool | None = None,
    incident: bool = False,
    closed: frozenset[str] = frozenset(),
) -> CallContext:
    """A call at ``now``; a caller with a tier or language on file is a known caller."""
    is_known = known if known is not None else bool(tier or language)
    caller = Caller(known=is_known, tier=tier, language=language)
    return CallContext(
        now=now, caller=caller, incident_affects_caller=incident, closed_switches=closed
    )


def call(flow: Flow, ctx: CallContext, *replies: CallerReply) -> Step:
    """Start a call and answer each Gather with the next reply; the last step."""
    step = start(flow, ctx)
    for reply in replies:
        assert step.gather is not None, f"no Gather to answer with {reply}"
        step = resume(flow, step.state, ctx, reply)
    return step


def press(digits: str) -> CallerReply:
    """The caller presses keys."""
    return CallerReply(digits=digits)


def saying(text: str, confidence: float | None = 0.9) -> CallerReply:
    """The caller speaks."""
    return CallerReply(speech=text, confidence=confidence)


def spoken(step: Step) -> list[str]:
    """Everything the caller hears in a step, Gather prompts included."""
    heard: list[str] = []
    for action in step.actions:
        prompts = getattr(action, "prompts", (action,))
        heard += [prompt.text for prompt in prompts if isinstance(prompt, Say)]
    return heard


def queue_of(step: Step) -> str | None:
    """The queue the step puts the caller in, if any."""
    handover = step.handover
    return handover.queue if isinstance(handover, Enqueue) else None


def problems_in(path: Path) -> list[str]:
    """Every problem loading ``path`` reports, as ``file:line: message``."""
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    return [str(problem) for problem in caught.value.problems]


def assert_reported(path: Path, marker: str, message: str, nth: int = 1) -> None:
    """Loading ``path`` reports ``message`` at the line of the ``nth`` ``marker``."""
    where = f"{path}:{line_of(path, marker, nth)}: "
    found = problems_in(path)
    assert any(text.startswith(where) and message in text for text in found), found
