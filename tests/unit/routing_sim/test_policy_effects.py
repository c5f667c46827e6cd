"""What the weights do to waits in a busy contact center: value first, nobody starved."""

from __future__ import annotations

from dataclasses import replace

from routing import Weights, default_weights
from routing.simulator import Scenario, SimulationResult, simulate


def busy(tiers: dict[str, float], patience_seconds: float | None = None) -> Scenario:
    """100 calls an hour at 240 s on 7 agents (95% occupancy): the queue is rarely empty."""
    return Scenario(
        calls_per_hour=100.0,
        aht_seconds=240.0,
        agents=7,
        hours=8.0,
        seed=2,
        tiers=tiers,
        patience_seconds=patience_seconds,
    )


def without_aging(weights: Weights) -> Weights:
    """The weights with aging so slow that a low tier waits behind every later high tier."""
    return replace(weights, aging_per_second=1e-9)


def passed_late(result: SimulationResult, gap: float) -> list[tuple[str, str]]:
    """(bronze, gold) pairs where the gold arrived over ``gap`` s later but was answered first."""
    answered = [o for o in result.outcomes if o.answered]
    golds = [o for o in answered if o.tier == "gold"]
    return [
        (bronze.id, gold.id)
        for bronze in answered
        if bronze.tier == "bronze"
        for gold in golds
        if gold.arrived_at - bronze.arrived_at > gap
        and gold.arrived_at + gold.waited < bronze.arrived_at + bronze.waited
    ]


def test_gold_callers_wait_less_than_bronze_callers_under_load() -> None:
    scenario = busy({"gold": 0.5, "bronze": 0.5})

    result = simulate(scenario)

    gold, bronze = result.tier("gold"), result.tier("bronze")
    assert gold.offered > 300 and bronze.offered > 300
    assert gold.average_wait is not None and bronze.average_wait is not None
    assert gold.average_wait < bronze.average_wait
    assert gold.service_level is not None and bronze.service_level is not None
    assert gold.service_level > bronze.service_level


def test_with_aging_no_bronze_caller_is_passed_by_a_gold_caller_arriving_300_s_later() -> None:
    weights = default_weights()
    gap = (weights.tiers["gold"] - weights.tiers["bronze"]) / weights.aging_per_second
    scenario = busy({"gold": 0.9, "bronze": 0.1})

    aging = simulate(scenario, weights)
    frozen = simulate(scenario, without_aging(weights))

    assert gap == 300
    assert passed_late(aging, gap) == []
    assert len(passed_late(frozen, gap)) > 10


def test_with_aging_the_bronze_p90_wait_stays_a_fraction_of_the_aging_free_one() -> None:
    weights = default_weights()
    scenario = busy({"gold": 0.9, "bronze": 0.1})

    aging = simulate(scenario, weights).tier("bronze")
    frozen = simulate(scenario, without_aging(weights)).tier("bronze")

    assert aging.p90_wait is not None and frozen.p90_wait is not None
    assert aging.p90_wait < frozen.p90_wait / 2
    assert aging.longest_wait < frozen.longest_wait


def test_abandonment_rises_as_patience_falls() -> None:
    tiers = {"bronze": 1.0}
    results = [simulate(busy(tiers, patience)) for patience in (600.0, 180.0, 60.0)]

    rates = [result.abandonment_rate or 0.0 for result in results]
    assert 0 < rates[0] < rates[1] < rates[2]


def test_callers_who_hang_up_are_offered_but_never_answered() -> None:
    result = simulate(busy({"bronze": 1.0}, patience_seconds=60.0))

    assert result.offered == result.answered + result.abandoned
    assert result.abandoned == sum(1 for outcome in result.outcomes if not outcome.answered)
    assert all(o.agent_id is None for o in result.outcomes if not o.answered)
