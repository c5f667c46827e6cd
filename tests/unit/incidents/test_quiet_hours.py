"""Quiet hours: 21:00 to 08:00 where the recipient is; a text then waits until 08:00 there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.broadcasts.quiet_hours import wakes_at


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now_utc", "zone", "wakes"),
    [
        # 14:00 in New York (19:00 UTC): day, no wait.
        (at(6, 19, 0), "America/New_York", None),
        # 22:30 in New York: wait until 08:00 there tomorrow (13:00 UTC).
        (at(7, 3, 30), "America/New_York", at(7, 13, 0)),
        # 03:00 in Madrid (02:00 UTC): wait until 08:00 there today (07:00 UTC).
        (at(6, 2, 0), "Europe/Madrid", at(6, 7, 0)),
        # Exactly 08:00 is day; exactly 21:00 is night.
        (at(6, 8, 0), "UTC", None),
        (at(6, 21, 0), "UTC", at(7, 8, 0)),
        # An unknown zone counts as UTC.
        (at(6, 23, 0), "Mars/Olympus", at(7, 8, 0)),
    ],
)  # fmt: skip
def test_a_text_waits_for_morning_where_its_recipient_is(now_utc, zone, wakes):
    assert wakes_at(zone, now_utc) == wakes
