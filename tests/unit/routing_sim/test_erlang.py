"""The simulator in Erlang C's own world (plain M/M/N) agrees with Erlang C."""

from __future__ import annotations

import pytest

from routing.simulator import (
    Scenario,
    SimulationError,
    compare_with_erlang,
    mmn_scenario,
    simulate,
)

# (calls per hour, AHT seconds, agents): a small team, the worked example (200 calls
# an hour, 180 s, 14 agents: 88.8%), a mid-sized team. About 25,000 calls each keep the
# simulated service level's spread near one point at these occupancies (0.6 to 0.71).
LOADS = ((36.0, 180.0, 3), (200.0, 180.0, 14), (72.0, 240.0, 8))
CALLS = 25_000
POINTS = 0.02


def test_service_level_of_plain_mmn_lands_within_two_points_of_erlang_c() -> None:
    rows = compare_with_erlang(LOADS, calls=CALLS)

    assert [(row.calls_per_hour, row.aht_seconds, row.agents) for row in rows] == list(LOADS)
    for row in rows:
        assert row.offered == pytest.approx(CALLS, rel=0.05)
        assert abs(row.difference) <= POINTS, row


def test_every_caller_is_answered_when_nobody_hangs_up() -> None:
    scenario = mmn_scenario(200.0, 180.0, 14, hours=8.0)

    result = simulate(scenario)

    assert result.answered == result.offered > 0
    assert result.abandoned == 0
    assert result.occupancy == pytest.approx(200.0 * 180.0 / 3600.0 / 14, abs=0.05)


def test_the_same_seed_gives_the_same_figures_and_another_seed_does_not() -> None:
    first = simulate(mmn_scenario(200.0, 180.0, 14, hours=4.0, seed=7))
    again = simulate(mmn_scenario(200.0, 180.0, 14, hours=4.0, seed=7))
    other = simulate(mmn_scenario(200.0, 180.0, 14, hours=4.0, seed=8))

    assert first.to_dict() == again.to_dict()
    assert first.outcomes == again.outcomes
    assert first.to_dict() != other.to_dict()


def test_a_scenario_that_cannot_run_lists_every_problem() -> None:
    with pytest.raises(SimulationError) as error:
        Scenario(
            calls_per_hour=0,
            aht_seconds=180,
            agents=0,
            tiers={"gold": -1.0},
            queue_mix={"billing": 1.0},
        )

    assert error.value.problems == (
        "calls per hour must be more than 0",
        "at least one agent is needed",
        "tier shares must be at least 0 and add up to more than 0",
        "queue shares name unknown queue(s): billing",
    )
