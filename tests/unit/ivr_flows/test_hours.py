"""Business hours: weekly windows in a time zone, holidays and the emergency-closed switch."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ivr_flows.hours import BusinessHours, parse_window

OFFICE = BusinessHours(
    timezone="America/Chicago",
    weekly=(parse_window("mon-fri 07:00-21:00"), parse_window("sat 08:00-17:00")),
    holidays=frozenset({date(2026, 12, 25)}),
    closed_switch="storm",
)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 3, 10, 15, 0, tzinfo=UTC), True),  # Tuesday 10:00 in Chicago
        (datetime(2026, 3, 10, 4, 0, tzinfo=UTC), False),  # Monday 23:00 in Chicago
        (datetime(2026, 3, 14, 21, 59, tzinfo=UTC), True),  # Saturday 16:59 (CDT)
        (datetime(2026, 3, 14, 22, 0, tzinfo=UTC), False),  # Saturday 17:00: closing time
        (datetime(2026, 3, 15, 17, 0, tzinfo=UTC), False),  # Sunday noon
        (datetime(2026, 12, 25, 17, 0, tzinfo=UTC), False),  # Christmas, a Friday
    ],
)
def test_office_hours_follow_the_local_clock(moment: datetime, is_open: bool) -> None:
    assert OFFICE.is_open(moment) is is_open


def test_the_closed_switch_closes_the_office_during_hours() -> None:
    tuesday_morning = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

    assert OFFICE.is_open(tuesday_morning, closed_switches={"storm"}) is False
    assert OFFICE.is_open(tuesday_morning, closed_switches={"other"}) is True


def test_a_window_that_closes_before_it_opens_runs_past_midnight() -> None:
    night = BusinessHours("UTC", (parse_window("fri 22:00-06:00"),))

    assert night.is_open(datetime(2026, 3, 13, 23, 0, tzinfo=UTC))  # Friday 23:00
    assert night.is_open(datetime(2026, 3, 14, 5, 59, tzinfo=UTC))  # Saturday 05:59
    assert not night.is_open(datetime(2026, 3, 14, 23, 0, tzinfo=UTC))  # Saturday 23:00


@pytest.mark.parametrize(
    ("text", "days", "opens", "closes"),
    [
        ("mon-fri 08:00-20:00", {0, 1, 2, 3, 4}, 480, 1200),
        ("sat,sun 10:00-14:30", {5, 6}, 600, 870),
        ("fri-mon 9:00-17:00", {4, 5, 6, 0}, 540, 1020),
        ("daily 00:00-24:00", set(range(7)), 0, 1440),
    ],
)
def test_weekly_windows_are_parsed(text: str, days: set[int], opens: int, closes: int) -> None:
    window = parse_window(text)

    assert (set(window.days), window.opens, window.closes) == (days, opens, closes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon-fri 8am-20:00", "bad time format '8am'"),
        ("mon-fri 08:00-25:00", "bad time format '25:00'"),
        ("mon-fri 08:61-20:00", "bad time format '08:61'"),
        ("mondays 08:00-20:00", "bad days 'mondays'"),
        ("mon-fri 08:00-08:00", "opens and closes at the same time"),
        ("08:00-20:00", "bad hours"),
    ],
)
def test_bad_windows_are_explained(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_window(text)
