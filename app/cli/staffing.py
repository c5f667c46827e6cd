"""``helpline staffing``: Erlang C figures for a call load, and the agents it needs."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from routing.staffing import (
    Load,
    Staffing,
    StaffingError,
    Target,
    agents_needed,
    staff,
    staffing_table,
)

# Rows shown under and over the recommended head count.
ROWS_BEFORE = 4
ROWS_AFTER = 3


@click.command("staffing")
@click.option(
    "--calls-per-hour",
    required=True,
    type=click.FloatRange(min=0),
    help="Calls offered in an hour.",
)
@click.option(
    "--aht",
    "aht_seconds",
    required=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Average handle time in seconds (talk, hold and wrap-up).",
)
@click.option(
    "--agents",
    type=click.IntRange(min=1),
    help="Report this head count only, instead of a table around the one needed.",
)
@click.option(
    "--target",
    default=0.8,
    show_default=True,
    type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
    help="Service level to reach: the share of calls answered within --within.",
)
@click.option(
    "--within",
    "within_seconds",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Answer time in seconds for the service level.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def staffing_command(
    calls_per_hour: float,
    aht_seconds: float,
    agents: int | None,
    target: float,
    within_seconds: float,
    as_json: bool,
) -> None:
    """Erlang C: probability of waiting, average speed of answer, service level, agents needed.

    Assumes Poisson arrivals, exponential handle times, callers who never hang up and an
    unlimited queue, so real queues (where callers abandon) need slightly fewer agents.
    """
    try:
        load = Load(calls_per_hour, aht_seconds)
        goal = Target(service_level=target, within_seconds=within_seconds)
        needed, rows = _figures(load, goal, agents)
    except StaffingError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(_to_json(load, goal, needed, rows), indent=2))
    else:
        click.echo("\n".join(_lines(load, goal, needed, rows)))


def _figures(load: Load, goal: Target, agents: int | None) -> tuple[int, Sequence[Staffing]]:
    """The needed head count, and the rows to show: one for ``agents``, else a window."""
    if agents is not None:
        return agents_needed(load, goal), [staff(load, agents, goal.within_seconds)]
    table = staffing_table(load, goal, before=ROWS_BEFORE, after=ROWS_AFTER)
    return table.needed, table.rows


def _to_json(load: Load, goal: Target, needed: int, rows: Sequence[Staffing]) -> dict[str, object]:
    """The report as plain data; each row says whether it meets the target."""
    return {
        "calls_per_hour": load.calls_per_hour,
        "aht_seconds": load.aht_seconds,
        "intensity_erlangs": load.intensity,
        "target": {"service_level": goal.service_level, "within_seconds": goal.within_seconds},
        "agents_needed": needed,
        "rows": [
            {
                **row.to_dict(),
                "meets_target": goal.met_by(row),
                "recommended": row.agents == needed,
            }
            for row in rows
        ],
    }


def _lines(load: Load, goal: Target, needed: int, rows: Sequence[Staffing]) -> list[str]:
    """A heading, then one line per head count, the recommended one marked."""
    return [
        f"{_number(load.calls_per_hour)} calls/hour at {_number(load.aht_seconds)} s "
        f"handle time: {load.intensity:.2f} Erlangs",
        f"Target: {goal.service_level:.0%} answered within {_number(goal.within_seconds)} s; "
        f"{needed} agents needed",
        "",
        _header(goal),
        *(_row_line(row, needed, goal) for row in rows),
    ]


def _header(goal: Target) -> str:
    """Column names; the service level column names its answer time."""
    service_level = f"SL {_number(goal.within_seconds)}s"
    return f"{'agents':>6}  {'P(wait)':>7}  {'ASA':>9}  {service_level:>7}  {'occupancy':>9}"


def _row_line(row: Staffing, needed: int, goal: Target) -> str:
    """One head count's figures, with a note for the recommended or an unstable count."""
    asa = f"{row.asa_seconds:.1f} s" if row.stable else "infinite"
    line = (
        f"{row.agents:>6}  {row.probability_of_waiting:>7.1%}  {asa:>9}  "
        f"{row.service_level:>7.1%}  {row.occupancy:>9.1%}"
    )
    if not row.stable:
        return f"{line}  unstable: too few agents, the queue grows without end"
    if row.agents == needed:
        return f"{line}  <- recommended"
    return f"{line}  {'meets target' if goal.met_by(row) else 'below target'}"


def _number(value: float) -> str:
    """A figure without a trailing ``.0`` when it is whole."""
    return str(int(value)) if value.is_integer() else f"{value:g}"
