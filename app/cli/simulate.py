"""``helpline simulate``: what-if runs of the real routing policy, to try weights before use."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from routing.errors import RoutingError
from routing.simulator import (
    HistoryMix,
    Scenario,
    SimulationError,
    SimulationResult,
    load_replay,
    replay,
    simulate,
)
from routing.weights import Weights, default_weights, load_weights

DEFAULT_TIERS = "platinum=0.05,gold=0.15,silver=0.30,bronze=0.50"
HISTORY_KEYS = ("open_case", "repeat", "returning")
SECONDS_PER_HOUR = 3600.0
LABEL_WIDTH = 24
COLUMN_WIDTH = 20
Run = tuple[str, SimulationResult]
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@dataclass(frozen=True)
class Settings:
    """The command's options that describe the callers and agents."""

    calls_per_hour: float | None
    aht: float | None
    agents: int
    hours: float
    warm_up_hours: float | None
    patience: float | None
    tiers: dict[str, float]
    history: dict[str, float]
    within: float
    seed: int


def parse_shares(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, float]:
    """Parse ``name=share,name=share`` (shares from 0 to 1) for a click option."""
    found: dict[str, float] = {}
    for item in filter(None, (value or "").split(",")):
        name, _, share = (part.strip() for part in item.partition("="))
        try:
            number = float(share)
        except ValueError:
            number = -1.0
        if not name or not 0 <= number <= 1:
            raise click.BadParameter(f"expected name=share with a share from 0 to 1, not {item!r}")
        found[name] = number
    return found


@click.command("simulate")
@click.option(
    "--calls-per-hour",
    type=click.FloatRange(min=0, min_open=True),
    help="Calls per hour (Poisson).",
)
@click.option(
    "--aht", type=click.FloatRange(min=0, min_open=True), help="Mean handle seconds (exponential)."
)
@click.option("--agents", required=True, type=click.IntRange(min=1), help="Agents logged in.")
@click.option(
    "--hours",
    default=8.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Hours measured after the warm-up.",
)
@click.option(
    "--warm-up",
    "warm_up_hours",
    type=click.FloatRange(min=0),
    help="Hours run before measuring (default: 1; none with --replay).",
)
@click.option(
    "--patience",
    type=click.FloatRange(min=0, min_open=True),
    help="Mean seconds before a waiting caller hangs up (default: never).",
)
@click.option(
    "--tiers", default=DEFAULT_TIERS, show_default=True, callback=parse_shares, help="Tier mix."
)
@click.option(
    "--history",
    callback=parse_shares,
    help="Shares of callers with an open case, a repeat contact, or a recent agent "
    "(e.g. open_case=0.1,repeat=0.2,returning=0.1).",
)
@click.option(
    "--within",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Service level answer time in seconds.",
)
@click.option("--weights", "weights_file", type=_FILE, help="Weights file (default: shipped).")
@click.option("--compare-weights", type=_FILE, help="A second weights file, shown side by side.")
@click.option("--replay", "replay_file", type=_FILE, help="Recorded contacts: CSV or JSON Lines.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def simulate_command(
    weights_file: Path | None,
    compare_weights: Path | None,
    replay_file: Path | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Simulate routing: service level, ASA, abandonment and wait per tier.

    Poisson arrivals with exponential handle times (and patience, with --patience), or a
    replay of recorded contacts. With --compare-weights both files serve the same callers.
    """
    settings = Settings(**options)
    try:
        weights = [_weights(weights_file)]
        if compare_weights is not None:
            weights.append(_weights(compare_weights))
        if replay_file is not None:
            heading, runs = _replay(replay_file, weights, settings)
        else:
            scenario = _scenario(settings)
            heading, runs = _describe(scenario), [(n, simulate(scenario, w)) for n, w in weights]
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        results = [{"weights": label, **result.to_dict()} for label, result in runs]
        click.echo(json.dumps({"simulated": heading, "results": results}, indent=2))
    else:
        click.echo("\n".join([heading, "", *_table(runs)]))


def _weights(path: Path | None) -> tuple[str, Weights]:
    """A column label and the weights: the shipped ones, or a file's."""
    if path is None:
        return "shipped weights", default_weights()
    return path.name, load_weights(path)


def _replay(
    path: Path, weights: Sequence[tuple[str, Weights]], settings: Settings
) -> tuple[str, list[Run]]:
    """Each weights' figures over the recorded contacts."""
    arrivals = load_replay(path)
    warm_up = (settings.warm_up_hours or 0.0) * SECONDS_PER_HOUR
    runs = [
        (
            label,
            replay(
                arrivals,
                settings.agents,
                weights=w,
                warm_up_seconds=warm_up,
                service_level_seconds=settings.within,
            ),
        )
        for label, w in weights
    ]
    heading = f"Replay of {len(arrivals)} recorded contacts ({path.name}), {settings.agents} agents"
    return heading, runs


def _scenario(settings: Settings) -> Scenario:
    """The scenario the options describe; the rate and the handle time are both needed."""
    if settings.calls_per_hour is None or settings.aht is None:
        raise SimulationError("give --calls-per-hour and --aht, or --replay FILE")
    unknown = sorted(set(settings.history) - set(HISTORY_KEYS))
    if unknown:
        raise SimulationError(f"--history: unknown share(s) {', '.join(unknown)}")
    return Scenario(
        calls_per_hour=settings.calls_per_hour,
        aht_seconds=settings.aht,
        agents=settings.agents,
        hours=settings.hours,
        warm_up_hours=1.0 if settings.warm_up_hours is None else settings.warm_up_hours,
        patience_seconds=settings.patience,
        tiers=settings.tiers or {"bronze": 1.0},
        history=HistoryMix(**settings.history),
        service_level_seconds=settings.within,
        seed=settings.seed,
    )


def _describe(scenario: Scenario) -> str:
    """One line saying what was simulated."""
    patience = (
        f"patience {scenario.patience_seconds:g} s"
        if scenario.patience_seconds is not None
        else "callers never hang up"
    )
    return (
        f"Simulated {scenario.hours:g} h after {scenario.warm_up_hours:g} h warm-up: "
        f"{scenario.calls_per_hour:g} calls/h, AHT {scenario.aht_seconds:g} s, "
        f"{scenario.agent_count} agents, {patience}, seed {scenario.seed}"
    )


def _table(runs: Sequence[Run]) -> list[str]:
    """The figures, one column per weights file."""
    results = [result for _, result in runs]
    within = f"service level ({results[0].service_level_seconds:g} s)"
    rows = [
        _row("weights", [label for label, _ in runs]),
        _row("offered", [f"{r.offered:,}" for r in results]),
        _row(within, [_percent(r.service_level) for r in results]),
        _row("ASA", [_seconds(r.asa_seconds) for r in results]),
        _row("abandoned", [f"{r.abandoned:,} ({_percent(r.abandonment_rate)})" for r in results]),
        _row("occupancy", [_percent(r.occupancy) for r in results]),
        _row("longest wait", [_seconds(r.longest_wait) for r in results]),
        "wait by tier: average / p90",
    ]
    for tier in dict.fromkeys(t.tier for r in results for t in r.tiers):
        cells = [_tier_cell(result, tier) for result in results]
        rows.append(_row(f"  {tier}", cells))
    return rows


def _tier_cell(result: SimulationResult, tier: str) -> str:
    try:
        figures = result.tier(tier)
    except KeyError:
        return "-"
    return f"{_seconds(figures.average_wait)} / {_seconds(figures.p90_wait)}"


def _row(label: str, cells: Sequence[str]) -> str:
    return f"{label:<{LABEL_WIDTH}}" + "".join(f"{cell:>{COLUMN_WIDTH}}" for cell in cells)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"
