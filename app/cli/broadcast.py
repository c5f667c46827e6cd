"""``helpline broadcast``: plan an incident's message to its audience and follow it."""

from __future__ import annotations

import json
import time
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models import BroadcastChannel
from app.services.broadcasts import broadcasts, sending_run
from app.services.incidents.lifecycle import IncidentError
from app.services.printable import printable
from app.services.scripts import scripts

broadcast_cli = AppGroup("broadcast", help="Broadcasts: an incident's message to its audience.")


@broadcast_cli.command("create")
@click.argument("incident_id", type=int)
@click.option("--text", "text", default="", help="The message, as you write it.")
@click.option("--script", "script", default="", help="A library script, by name.")
@click.option("--eta", default="", help="When service should be back, in words (scripts).")
@click.option(
    "--channel",
    type=click.Choice([c.value for c in BroadcastChannel]),
    default=BroadcastChannel.SMS.value,
    show_default=True,
)
@click.option("--tier-waves", is_flag=True, help="Platinum customers first, then gold, silver.")
@click.option("--all-clear", is_flag=True, help="Only those told before, plus subscribers.")
@click.option(
    "--quiet-hours/--day-and-night",
    default=None,
    help="Wait while it is night (21:00-08:00) where each recipient is. Default: wait, "
    "unless the incident is critical.",
)
@click.option(
    "--hold-while-wait",
    type=click.IntRange(1, broadcasts.MOST_HOLD_SECONDS),
    default=None,
    metavar="SECONDS",
    help="Hold each wave after the first while the queues' estimated wait is above "
    "SECONDS (at most BROADCAST_HOLD_MOST_SECONDS per wave). Use with --tier-waves.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the broadcast as JSON.")
def create_command(
    incident_id: int,
    text: str,
    script: str,
    eta: str,
    channel: str,
    tier_waves: bool,
    all_clear: bool,
    quiet_hours: bool | None,
    hold_while_wait: int | None,
    as_json: bool,
) -> None:
    """Plan a broadcast about INCIDENT_ID: print its id and its audience.

    The audience is the incident's affected customers who consented to service
    notices on the channel, plus (for texts) its status subscribers, each number
    once. The message is --text or a library --script (helpline broadcast
    scripts lists them); it is checked first, and refused with each error. Nothing
    is sent yet: helpline broadcast start ID sends it. The audience is planned in
    this process (the supervisor's page leaves it to a job)."""
    try:
        made = broadcasts.create(
            db.session,
            incident_id,
            text,
            channel,
            tier_waves,
            all_clear,
            script=script,
            eta=eta,
            quiet_hours=quiet_hours,
            hold_while_wait=hold_while_wait,
        )
    except IncidentError as error:
        db.session.rollback()
        raise click.ClickException(printable(str(error))) from None
    if as_json:
        status = broadcasts.status(db.session, made.broadcast.id)
        click.echo(json.dumps({**status, "check": made.report.as_dict()}))
        return
    click.echo(
        f"Broadcast {made.broadcast.id}: {made.planned.total} recipients "
        f"({made.planned.customers} customers, {made.planned.subscribers} subscribers)."
    )
    for warning in made.report.warnings:
        click.echo(printable(f"  warning: {warning}"))
    if not current_app.config["PUBLIC_BASE_URL"]:
        click.echo("  warning: PUBLIC_BASE_URL is not set, so links in the texts have no host.")
    for preview in made.report.previews[:2]:
        click.echo(printable(f"  {preview.recipient} reads: {preview.sms}"))


@broadcast_cli.command("scripts")
def scripts_command() -> None:
    """The library's scripts: name and what each is for."""
    for found in scripts.library():
        click.echo(printable(f"{found.name:<18} {found.description}"))


def _control(move: str) -> click.Command:
    @click.argument("broadcast_id", type=int)
    def command(broadcast_id: int) -> None:
        try:
            state = sending_run.control(db.session, broadcast_id, move)
        except IncidentError as error:
            db.session.rollback()
            raise click.ClickException(printable(str(error))) from None
        click.echo(f"Broadcast {broadcast_id}: {state}.")

    command.__doc__ = MOVE_HELP[move]
    return broadcast_cli.command(move)(command)


MOVE_HELP = {
    "start": "Start sending the broadcast: texts at BROADCAST_MPS, calls at BROADCAST_CPS "
    "(across the workers).",
    "pause": "Pause sending within a second; what is unsent stays pending.",
    "resume": "Resume a paused broadcast.",
    "cancel": "Cancel the broadcast: what is unsent is never sent.",
}
for _move in MOVE_HELP:
    _control(_move)


@broadcast_cli.command("status")
@click.argument("broadcast_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--watch", is_flag=True, help="A progress bar until the broadcast ends.")
def status_command(broadcast_id: int, as_json: bool, watch: bool) -> None:
    """The broadcast's state, audience, deliveries by state, rate and ETA."""
    try:
        found = broadcasts.status(db.session, broadcast_id)
    except IncidentError as error:
        raise click.ClickException(printable(str(error))) from None
    if watch:
        found = _watch(broadcast_id, found)
    if as_json:
        click.echo(json.dumps(found))
        return
    rate = found["rate_per_second"]
    eta = found["eta_seconds"]
    click.echo(
        f"Broadcast {found['id']} ({found['channel']}, incident {found['incident_id']}): "
        f"{found['state']}"
        + (f" (held: {found['held']['reason']})" if found.get("held") else "")
        + f"; audience {found['audience']}, pending {found['pending']}, "
        f"sent {found['sent']}, delivered {found['delivered']}, failed {found['failed']}, "
        f"skipped {found['skipped']}"
        + (
            f"; answered by a person {found['answered_by_person']}, by a machine "
            f"{found['answered_by_machine']}, asked for a person {found['asked_for_person']}"
            if found["channel"] == "voice"
            else ""
        )
        + (f"; {rate:g}/s" if rate is not None else "")
        + (f", about {eta:g} s left" if eta else "")
        + "."
    )


def _watch(broadcast_id: int, found: dict[str, Any]) -> dict[str, Any]:
    """Show a progress bar until the broadcast is done or cancelled (or paused)."""
    total = max(1, int(found["audience"]))
    shown = 0
    with click.progressbar(length=total, label=f"Broadcast {broadcast_id}") as bar:
        while True:
            out = sum(found[k] for k in ("sent", "delivered", "failed", "skipped"))
            bar.update(max(0, out - shown))
            shown = max(shown, out)
            if found["state"] in ("done", "cancelled", "paused", "planned", "refused"):
                return found
            time.sleep(1)
            db.session.rollback()  # a fresh look
            found = broadcasts.status(db.session, broadcast_id)
