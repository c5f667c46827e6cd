"""Quiet hours: a non-urgent broadcast text waits while it is night where its recipient is.

Night is 21:00 to 08:00 in the recipient's time zone (the customer's, else UTC). A text
that would land then is not dropped: it waits until 08:00 there and goes out then.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


def wakes_at(timezone: str, now: datetime) -> datetime | None:
    """When quiet hours end for a recipient in ``timezone`` (UTC), or None if it is day
    there now."""
    zone = _zone(timezone)
    local = now.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone).astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
