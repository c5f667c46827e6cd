"""Quiet hours: 21:00 to 08:00 where the recipient is; a text then waits until 08:00 there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.incidents.quiet_hours import wakes_at


@pytest.mark.parametrize(
    ("now_utc", "zone", "wakes"),
    [
        # 14:00 in New York (19:00 UTC): day, no wait.
        (datetime(2026, 12, 6, 19, 0, tzinfo=UTC), "America/New_York", None),
        # 22:30 in New York: wait until 08:00 there tomorrow (13:00 UTC).
        (datetime(2026, 12, 7, 3, 30, tzinfo=UTC), "America/New_York", datetime(2026, 12, 7, 13, 0, tzinfo=UTC)),
        # 03:00 in Madrid (02:00 UTC): wait until 08:00 there today (07:00 UTC).
        (datetime(2026, 12, 6, 2, 0, tzinfo=UTC), "Europe/Madrid", datetime(2026, 12, 6, 7, 0, tzinfo=UTC)),
        # Exactly 08:00 is day; exactly 21:00 is night.
        (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), "UTC", None),
        (datetime(2026, 12, 6, 21, 0, tzinfo=UTC), "UTC", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
        # An unknown zone counts as UTC.
        (datetime(2026, 12, 6, 23, 0, tzinfo=UTC), "Mars/Olympus", datetime(2026, 12, 7, 8, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_a_text_waits_for_morning_where_its_recipient_is(now_utc, zone, wakes):
    assert wakes_at(zone, now_utc) == wakes
