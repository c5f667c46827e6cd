"""``helpline queues``: live queue metrics."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from app.services.supervision.queue_metrics import queue_metrics


@click.command("queues")
@click.option("--hours", default=24, show_default=True, help="Window for the counters (1-24).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@with_appcontext
def queues_command(hours: int, as_json: bool) -> None:
    """Waiting, longest wait, service level, ASA, abandonment and agents by state, per queue."""
    rows = queue_metrics(hours=max(1, min(24, hours)))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(
        f"{'queue':14} {'waiting':>7} {'longest':>8} {'SL':>6} {'ASA':>6} {'aband.':>7}  agents"
    )
    for row in rows:
        agents = ", ".join(f"{state} {n}" for state, n in sorted(row["agents"].items()) if n)
        level = _percent(row["service_level"])
        asa = _seconds(row["average_speed_of_answer_seconds"])
        click.echo(
            f"{row['queue']:14} {row['waiting']:>7} {row['longest_wait_seconds']:>7.0f}s "
            f"{level:>6} {asa:>6} {_percent(row['abandonment_rate']):>7}  "
            f"{agents or 'nobody logged in'}"
        )
    if not rows:
        click.echo("No queues.")
        return
    click.echo(f"SL = share answered within {rows[0]['service_level_seconds']:.0f} s")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}s"
