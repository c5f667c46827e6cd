"""``helpline flows``: check call flow files before they go live, steer and watch them."""

from __future__ import annotations

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Queue, utcnow
from app.services.calls.switches import closed_switches, set_switch
from app.services.supervision.audit import record_command
from app.services.supervision.ivr_stats import flow_stats
from ivr_flows import SHIPPED_FLOWS, verify_paths

flows_cli = AppGroup("flows", help="Check, steer and watch the IVR flows.")


@flows_cli.command("verify")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--queue-check/--no-queue-check",
    default=True,
    help="Flag queue names the database does not know (skipped when it has no queues).",
)
def verify_command(paths: tuple[str, ...], as_json: bool, queue_check: bool) -> None:
    """Verify flow files (default: the flows in service); exit 1 on any failure.

    Each PATH is a flow file or a directory of *.yaml files. For every flow, prints the
    most prompts a caller can hear before reaching a person, and each error as
    file:line: message.
    """
    known = _known_queues() if queue_check else None
    report = verify_paths(
        paths or [current_app.config["FLOWS_DIR"] or SHIPPED_FLOWS], known_queues=known
    )
    click.echo(report.to_json() if as_json else "\n".join(report.lines()))
    if not report.ok:
        raise SystemExit(1)


def _known_queues() -> frozenset[str] | None:
    """The queue names in the database; None (no check) when it has none or cannot say."""
    try:
        names = frozenset(db.session.scalars(select(Queue.name)))
    except SQLAlchemyError:  # not migrated yet, or unreachable: check the flows alone
        db.session.rollback()
        return None
    return names or None


@flows_cli.command("close")
@click.argument("switch")
@click.option("--force", is_flag=True, help="Turn it on even if no flow in service names it.")
def close_command(switch: str, force: bool) -> None:
    """Turn on the closed SWITCH: flows that name it take their closed path.

    A switch no flow in service names would close nothing (a typo, most likely): that is
    an error unless ``--force`` (for a flow about to go live).
    """
    named = current_app.extensions["ivr.flows"].current().closed_switches()
    if switch not in named and not force:
        known = ", ".join(sorted(named)) or "none"
        raise click.ClickException(
            f"no flow in service names the closed switch {switch!r}, so it would close "
            f"nothing (switches in use: {known}); --force turns it on anyway"
        )
    set_switch(switch, True)
    click.echo(f"{switch} is on: lines that use it are closed.")
    _audit("switch.on", switch)


@flows_cli.command("open")
@click.argument("switch")
def open_command(switch: str) -> None:
    """Turn off the closed SWITCH: its lines follow their hours again."""
    was_on = switch in closed_switches()
    set_switch(switch, False)
    click.echo(f"{switch} is off." if was_on else f"{switch} was not on: nothing changed.")
    if was_on:
        _audit("switch.off", switch)


@flows_cli.command("switches")
def switches_command() -> None:
    """List the closed switches that are on."""
    on = sorted(closed_switches())
    click.echo("\n".join(on) if on else "No closed switch is on.")


@flows_cli.command("stats")
@click.option("--days", default=7, show_default=True, help="How far back to look.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_command(days: int, as_json: bool) -> None:
    """Per flow: calls, handovers to people, containment, and where callers dropped."""
    stats = flow_stats(db.session, since=utcnow() - timedelta(days=days))
    if as_json:
        click.echo(json.dumps([entry.to_dict() for entry in stats], indent=2))
        return
    if not stats:
        click.echo(f"No IVR calls in the last {days} day(s).")
    for entry in stats:
        people = ", ".join(f"{kind} {n}" for kind, n in entry.to_people.most_common()) or "none"
        click.echo(
            f"{entry.flow}: {entry.calls} call(s), to people: {people}; "
            f"ended in the IVR {entry.ended_in_ivr} (containment {entry.containment:.0%}); "
            f"in progress {entry.in_progress}"
        )
        for node, count in entry.dropped_at.most_common(5):
            click.echo(f"  ended at {node}: {count}")


def _audit(action: str, switch: str) -> None:
    """Log the change as the shell's user; a database down must not undo an emergency."""
    try:
        record_command(action, switch)
    except SQLAlchemyError as exc:
        click.echo(f"warning: not in the audit log ({type(exc).__name__})", err=True)
