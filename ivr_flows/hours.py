"""Business hours: weekly windows such as ``mon-fri 08:00-20:00``, holidays and a closed switch."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^\s*(?P<days>[a-z,\-\s]+?)\s+(?P<opens>\S+)\s*-\s*(?P<closes>\S+)\s*$")
_CLOCK = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Window:
    """Open from ``opens`` to ``closes`` (minutes after midnight) on ``days`` (0 = Monday).

    A window that closes at or before it opens runs past midnight into the next day.
    """

    days: frozenset[int]
    opens: int
    closes: int

    def contains(self, weekday: int, minute: int) -> bool:
        """Whether the local ``weekday`` and ``minute`` of the day fall inside the window."""
        if self.opens < self.closes:
            return weekday in self.days and self.opens <= minute < self.closes
        after_opening = weekday in self.days and minute >= self.opens
        before_closing = (weekday - 1) % 7 in self.days and minute < self.closes
        return after_opening or before_closing


@dataclass(frozen=True)
class BusinessHours:
    """When people answer: weekly windows in a time zone, minus holidays and a closed switch."""

    timezone: str
    weekly: tuple[Window, ...]
    holidays: frozenset[date] = frozenset()
    closed_switch: str | None = None

    def is_open(self, now: datetime, closed_switches: Collection[str] = ()) -> bool:
        """Whether the center is open at ``now`` (an aware datetime)."""
        if self.closed_switch is not None and self.closed_switch in closed_switches:
            return False
        local = now.astimezone(ZoneInfo(self.timezone))
        if local.date() in self.holidays:
            return False
        minute = local.hour * 60 + local.minute
        return any(window.contains(local.weekday(), minute) for window in self.weekly)


def parse_window(text: str) -> Window:
    """Parse ``mon-fri 08:00-20:00``, ``sat,sun 10:00-14:00`` or ``daily 00:00-24:00``.

    Raises ValueError with a message fit for a flow author.
    """
    match = _WINDOW.match(text.lower())
    if match is None:
        raise ValueError(f"bad hours {text!r}: expected e.g. 'mon-fri 08:00-20:00'")
    opens = _parse_clock(match["opens"])
    closes = _parse_clock(match["closes"])
    if opens == MINUTES_PER_DAY:
        raise ValueError(f"bad time format '{match['opens']}': a window cannot open at 24:00")
    if opens == closes:
        raise ValueError(f"bad hours {text!r}: opens and closes at the same time")
    return Window(_parse_days(match["days"]), opens, closes)


def _parse_clock(text: str) -> int:
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"bad time format '{text}': expected HH:MM")
    hour, minute = int(match["hour"]), int(match["minute"])
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        raise ValueError(f"bad time format '{text}': no such time of day")
    return hour * 60 + minute


def _parse_days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if part in ("daily", "every day"):
            days.update(range(7))
            continue
        first, _, last = (bound.strip() for bound in part.partition("-"))
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"bad days '{part}': use mon, tue, wed, thu, fri, sat, sun or daily")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)
