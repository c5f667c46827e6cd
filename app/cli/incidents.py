"""``helpline incidents``: open, update, resolve and list incidents (DESIGN.md's table)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Incident, IncidentState, Severity
from app.services.incidents import front_door
from app.services.incidents.lifecycle import (
    IncidentError,
    Scope,
    as_dict,
    latest_public,
    listed,
    open_incident,
    post_update,
    resolve,
)
from app.services.printable import printable

incidents_cli = AppGroup("incidents", help="Incidents: what failed, whom it touches, updates.")

STATES = [s.value for s in IncidentState if s is not IncidentState.RESOLVED]


def _names(value: str) -> list[str]:
    return [part for part in (p.strip() for p in value.split(",")) if part]


@incidents_cli.command("open")
@click.argument("title")
@click.option("--regions", default="", help="Customer regions touched, comma-separated.")
@click.option("--services", default="", help="Services touched, comma-separated.")
@click.option("--areas", default="", help="Service areas touched, comma-separated.")
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity]),
    default=Severity.MAJOR.value,
    show_default=True,
)
@click.option("--message", default="", help="What customers are told first (default: TITLE).")
@click.option("--json", "as_json", is_flag=True, help="Print the incident as JSON.")
def open_command(
    title: str,
    regions: str,
    services: str,
    areas: str,
    severity: str,
    message: str,
    as_json: bool,
) -> None:
    """Open an incident (investigating) and print its id.

    Without --regions, --services or --areas it touches every customer."""
    with _told():
        scope = Scope.of(_names(regions), _names(services), _names(areas))
        incident = open_incident(db.session, title, scope, severity, message)
    front_door.forget()
    if as_json:
        click.echo(json.dumps(as_dict(incident)))
    else:
        click.echo(incident.id)


@incidents_cli.command("update")
@click.argument("incident_id", type=int)
@click.argument("text")
@click.option("--state", type=click.Choice(STATES), help="Move the incident to this state.")
@click.option("--es", "spanish", default="", help="The same update in Spanish.")
@click.option("--internal", is_flag=True, help="A note for staff, not shown to customers.")
def update_command(
    incident_id: int, text: str, state: str | None, spanish: str, internal: bool
) -> None:
    """Post a public update to the incident (or an internal note)."""
    with _told():
        post_update(
            db.session,
            incident_id,
            text,
            state=state,
            public=not internal,
            translations={"es": spanish} if spanish else None,
        )
    front_door.forget()
    click.echo(f"Incident {incident_id}: {'note added' if internal else 'update posted'}.")


@incidents_cli.command("resolve")
@click.argument("incident_id", type=int)
@click.argument("text", required=False, default="")
@click.option("--es", "spanish", default="", help="The same text in Spanish.")
def resolve_command(incident_id: int, text: str, spanish: str) -> None:
    """Resolve the incident, with TEXT as its last public update."""
    with _told():
        resolve(db.session, incident_id, text, {"es": spanish} if spanish else None)
    front_door.forget()
    click.echo(f"Incident {incident_id} resolved.")


@incidents_cli.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only incidents not resolved.")
@click.option("--json", "as_json", is_flag=True, help="Print the incidents as JSON.")
def list_command(open_only: bool, as_json: bool) -> None:
    """Incidents, newest first."""
    incidents = listed(db.session, open_only=open_only)
    if as_json:
        click.echo(json.dumps({"incidents": [as_dict(i) for i in incidents]}))
        return
    if not incidents:
        click.echo("No incidents." if not open_only else "No open incidents.")
        return
    for incident in incidents:
        click.echo(printable(_line(incident)))


def _line(incident: Incident) -> str:
    scope = Scope.of_incident(incident)
    where = ", ".join(scope.regions + scope.services + scope.service_areas) or "everyone"
    latest = latest_public(incident)
    said = f" - {latest.body[:80]}" if latest is not None else ""
    opened = incident.opened_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{incident.id:>5}  {incident.state.value:<13} {incident.severity.value:<8} "
        f"{opened}  {incident.title} [{where}]{said}"
    )


class _told:
    """An IncidentError becomes the command's error message (exit status 1)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if isinstance(error, IncidentError):
            db.session.rollback()
            raise click.ClickException(printable(str(error))) from None
