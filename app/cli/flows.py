"""``helpline flows``: check call flow files before they go live."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ivr_flows import SHIPPED_FLOWS, verify_paths

flows_cli = AppGroup("flows", help="Check IVR flow files.")


@flows_cli.command("verify", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(paths: tuple[str, ...], as_json: bool) -> None:
    """Verify flow files (default: the shipped flows); exit 1 on any failure.

    Each PATH is a flow file or a directory of *.yaml files. For every flow, prints the
    most prompts a caller can hear before reaching a person, and each error as
    file:line: message.
    """
    report = verify_paths(paths or [SHIPPED_FLOWS])
    click.echo(report.to_json() if as_json else "\n".join(report.lines()))
    if not report.ok:
        raise SystemExit(1)
