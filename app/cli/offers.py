"""``helpline offers sweep``: take back missed offers, put open tasks in line, offer what
still waits."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from flask.cli import with_appcontext

from app.services.agents import offer_sweeper


@click.group("offers")
def offers_cli() -> None:
    """Contacts offered to agents."""


@offers_cli.command("sweep")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    default=None,
    metavar="SECONDS",
    help="Keep sweeping every SECONDS while the parent process lives (the worker runs this).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what one sweep did as JSON.")
@with_appcontext
def sweep_command(every: float | None, as_json: bool) -> None:
    """Take back offers not accepted within OFFER_TIMEOUT (agents set away), put open
    callback and voicemail tasks in line, offer what waits."""
    if every is not None:
        try:
            offer_sweeper.run(every)
        except KeyboardInterrupt:  # Ctrl-C in a terminal stops the loop quietly
            pass
        return
    done = offer_sweeper.sweep()
    if as_json:
        click.echo(json.dumps(asdict(done)))
        return
    click.echo(
        f"{done.taken_back} missed offers taken back, {done.tasks_queued} open tasks put in "
        f"line, {done.offered} contacts offered"
    )
