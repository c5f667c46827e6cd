"""Agents needed for a target, the table around that count, and input the model refuses."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from routing.staffing import (
    MAX_AGENTS,
    Load,
    StaffingError,
    Target,
    agents_needed,
    erlang_b,
    staff,
    staffing_table,
)


@pytest.mark.parametrize(
    ("calls_per_hour", "aht_seconds", "target", "needed"),
    [
        (200, 180, Target(), 14),
        (200, 180, Target(service_level=0.9), 15),
        (360, 240, Target(), 29),
        (720, 240, Target(within_seconds=15), 55),
        (10_000, 180, Target(), 510),
        (0, 180, Target(), 1),
    ],
)
def test_agents_needed_is_the_fewest_that_meet_the_service_level(
    calls_per_hour: float, aht_seconds: float, target: Target, needed: int
) -> None:
    load = Load(calls_per_hour, aht_seconds)

    count = agents_needed(load, target)

    assert count == needed
    assert staff(load, count, target.within_seconds).service_level >= target.service_level
    if count - 1 > load.intensity:
        below = staff(load, count - 1, target.within_seconds)
        assert below.service_level < target.service_level


def test_80_20_needs_14_agents_because_13_answer_just_under_80_percent() -> None:
    load = Load(calls_per_hour=200, aht_seconds=180)

    thirteen = staff(load, 13)

    assert thirteen.service_level == pytest.approx(0.7956, abs=1e-4)
    assert agents_needed(load) == 14


def test_a_cap_on_speed_of_answer_can_call_for_more_agents() -> None:
    load = Load(calls_per_hour=200, aht_seconds=180)

    needed = agents_needed(load, Target(max_asa_seconds=2.0))

    assert needed == 16
    assert staff(load, 15).asa_seconds > 2.0 >= staff(load, 16).asa_seconds


def test_a_cap_on_occupancy_can_call_for_more_agents() -> None:
    load = Load(calls_per_hour=200, aht_seconds=180)

    needed = agents_needed(load, Target(max_occupancy=0.65))

    assert needed == math.ceil(10 / 0.65)


def test_agents_needed_never_recommends_an_unstable_count() -> None:
    load = Load(calls_per_hour=3600, aht_seconds=36)

    needed = agents_needed(load, Target(service_level=0.01, within_seconds=3600))

    assert load.intensity == pytest.approx(36.0)
    assert needed == 37


def test_the_table_runs_from_the_first_stable_count_to_a_few_past_the_need() -> None:
    table = staffing_table(Load(calls_per_hour=200, aht_seconds=180))

    assert table.needed == 14
    assert [row.agents for row in table.rows] == list(range(11, 18))
    assert all(row.stable for row in table.rows)


def test_the_table_can_be_narrowed_around_the_need() -> None:
    load = Load(calls_per_hour=10_000, aht_seconds=180)

    narrow = staffing_table(load, before=1, after=1)
    clipped = staffing_table(Load(calls_per_hour=200, aht_seconds=180), before=10, after=0)

    assert [row.agents for row in narrow.rows] == [509, 510, 511]
    assert [row.agents for row in clipped.rows] == [11, 12, 13, 14]


def test_the_table_rows_agree_with_single_figures() -> None:
    load = Load(calls_per_hour=360, aht_seconds=240)

    table = staffing_table(load, Target(within_seconds=30))

    for row in table.rows:
        assert row == staff(load, row.agents, within_seconds=30)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Load(-1, 180), "cannot be negative"),
        (lambda: Load(100, 0), "more than 0 seconds"),
        (lambda: Load(100, -30), "more than 0 seconds"),
        (lambda: Load(math.nan, 180), "finite number"),
        (lambda: Load(100, math.inf), "finite number"),
        (lambda: Load(MAX_AGENTS * 3600, 1), "beyond this model"),
        (lambda: Target(service_level=0), "between 0 and 1"),
        (lambda: Target(service_level=1), "between 0 and 1"),
        (lambda: Target(service_level=80), "between 0 and 1"),
        (lambda: Target(within_seconds=-1), "cannot be negative"),
        (lambda: Target(max_asa_seconds=0), "more than 0 seconds"),
        (lambda: Target(max_occupancy=0), "at most 1"),
        (lambda: Target(max_occupancy=1.5), "at most 1"),
        (lambda: staff(Load(100, 180), 0), "at least 1"),
        (lambda: staff(Load(100, 180), 2.5), "whole number"),  # type: ignore[arg-type]
        (lambda: staff(Load(100, 180), True), "whole number"),
        (lambda: staff(Load(100, 180), 5, within_seconds=-2), "cannot be negative"),
        (lambda: erlang_b(3, -1.0), "cannot be negative"),
        (lambda: staffing_table(Load(100, 180), after=-1), "cannot be negative"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(StaffingError, match=message):
        make()


def test_staffing_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        Load(100, 0)
