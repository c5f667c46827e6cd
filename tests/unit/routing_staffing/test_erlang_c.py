"""Erlang C figures: published examples, independent cross-checks, large and overloaded loads."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest

from routing.staffing import Load, Staffing, erlang_b, erlang_c, staff
from tests.unit.routing_staffing.reference import exact_erlang_c, log_erlang_c


def test_issue_example_100_calls_per_half_hour_at_180_seconds_with_14_agents() -> None:
    load = Load(calls_per_hour=200, aht_seconds=180)

    staffing = staff(load, agents=14, within_seconds=20)

    assert load.intensity == pytest.approx(10.0)
    assert staffing.probability_of_waiting == pytest.approx(0.1741, abs=1e-4)
    assert staffing.service_level == pytest.approx(0.8884, abs=1e-4)
    assert staffing.asa_seconds == pytest.approx(7.84, abs=0.01)
    assert staffing.occupancy == pytest.approx(10 / 14)


def test_westbay_example_360_calls_per_half_hour_at_4_minutes_with_55_agents() -> None:
    # Westbay Engineering's step-by-step Erlang-C page: 48 Erlangs, 55 agents, 15 s target.
    staffing = staff(Load(calls_per_hour=720, aht_seconds=240), agents=55, within_seconds=15)

    assert staffing.load.intensity == pytest.approx(48.0)
    assert staffing.occupancy == pytest.approx(0.8727, abs=1e-4)
    assert staffing.probability_of_waiting == pytest.approx(0.2387, abs=1e-4)
    assert staffing.asa_seconds == pytest.approx(8.18, abs=0.01)
    assert staffing.service_level == pytest.approx(0.8459, abs=1e-4)


def test_360_calls_per_hour_at_240_seconds_by_hand() -> None:
    # 24 Erlangs on 29 agents; the hand figure comes from the exact rational formula.
    by_hand = exact_erlang_c(29, Fraction(24))

    staffing = staff(Load(calls_per_hour=360, aht_seconds=240), agents=29)

    assert float(by_hand) == pytest.approx(0.24227, abs=1e-5)
    assert staffing.probability_of_waiting == pytest.approx(float(by_hand), rel=1e-12)
    assert staffing.asa_seconds == pytest.approx(float(by_hand) * 240 / 5, rel=1e-12)
    assert staffing.service_level == pytest.approx(
        1 - float(by_hand) * math.exp(-5 * 20 / 240), rel=1e-12
    )


@pytest.mark.parametrize("intensity", [Fraction(1, 2), Fraction(7, 3), Fraction(10), Fraction(24)])
@pytest.mark.parametrize("extra", [0, 1, 2, 5, 12])
def test_erlang_c_matches_the_exact_textbook_formula(intensity: Fraction, extra: int) -> None:
    agents = math.floor(intensity) + 1 + extra

    value = erlang_c(agents, float(intensity))

    assert value == pytest.approx(float(exact_erlang_c(agents, intensity)), rel=1e-12)


@pytest.mark.parametrize(("agents", "intensity"), [(1, 0.5), (5, 3.0), (14, 10.0), (30, 24.0)])
def test_erlang_c_follows_from_erlang_b(agents: int, intensity: float) -> None:
    blocking = erlang_b(agents, intensity)

    waiting = erlang_c(agents, intensity)

    assert waiting == pytest.approx(agents * blocking / (agents - intensity * (1 - blocking)))
    assert blocking < waiting < 1


@pytest.mark.parametrize(("calls_per_hour", "agents"), [(10_000, 510), (40_000, 2012)])
def test_large_loads_stay_finite_and_match_a_logarithmic_formula(
    calls_per_hour: float, agents: int
) -> None:
    load = Load(calls_per_hour=calls_per_hour, aht_seconds=180)

    staffing = staff(load, agents)

    expected = log_erlang_c(agents, load.intensity)
    assert staffing.probability_of_waiting == pytest.approx(expected, rel=1e-9)
    assert 0 < staffing.service_level < 1
    assert math.isfinite(staffing.asa_seconds)


def test_erlang_c_does_not_overflow_for_tens_of_thousands_of_agents() -> None:
    value = erlang_c(50_200, 50_000.0)

    assert value == pytest.approx(log_erlang_c(50_200, 50_000.0), rel=1e-8)
    assert 0 < value < 1


def test_more_agents_mean_less_waiting_and_a_higher_service_level() -> None:
    load = Load(calls_per_hour=200, aht_seconds=180)

    rows = [staff(load, agents) for agents in range(11, 30)]

    waits = [row.probability_of_waiting for row in rows]
    levels = [row.service_level for row in rows]
    assert waits == sorted(waits, reverse=True)
    assert levels == sorted(levels)


@pytest.mark.parametrize("agents", [1, 5, 10])
def test_no_more_agents_than_erlangs_is_flagged_unstable_without_raising(agents: int) -> None:
    staffing = staff(Load(calls_per_hour=200, aht_seconds=180), agents)

    assert not staffing.stable
    assert staffing.probability_of_waiting == 1.0
    assert staffing.service_level == 0.0
    assert staffing.asa_seconds == math.inf
    assert staffing.occupancy == 1.0
    assert staffing.to_dict()["asa_seconds"] is None


def test_a_quiet_line_never_keeps_a_caller_waiting() -> None:
    staffing = staff(Load(calls_per_hour=0, aht_seconds=180), agents=1)

    assert staffing.stable
    assert staffing.probability_of_waiting == 0.0
    assert staffing.service_level == 1.0
    assert staffing.asa_seconds == 0.0
    assert staffing.occupancy == 0.0


def test_service_level_within_zero_seconds_is_the_share_answered_at_once() -> None:
    staffing = staff(Load(calls_per_hour=200, aht_seconds=180), agents=14, within_seconds=0)

    assert staffing.service_level == pytest.approx(1 - staffing.probability_of_waiting)


def test_figures_are_frozen() -> None:
    staffing = staff(Load(calls_per_hour=200, aht_seconds=180), agents=14)

    with pytest.raises(dataclasses.FrozenInstanceError):
        staffing.agents = 15  # type: ignore[misc]
    assert isinstance(staffing, Staffing)
