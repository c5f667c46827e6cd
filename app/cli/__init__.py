"""The ``helpline`` command: a Flask CLI group over ``create_app``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup


def _create_app() -> Flask:
    from app import ConfigError, create_app

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def register_commands(group: AppGroup) -> None:
    """Add every command to ``group`` (the app's ``cli``)."""
    from app.cli.broadcast import broadcast_cli
    from app.cli.call import call_command
    from app.cli.customers import customers_cli
    from app.cli.database import db_cli
    from app.cli.demo import demo_command
    from app.cli.flows import flows_cli
    from app.cli.incidents import incidents_cli
    from app.cli.kb import kb_cli
    from app.cli.offers import offers_cli
    from app.cli.queues import queues_command
    from app.cli.serve import serve_command, worker_command
    from app.cli.simulate import simulate_command
    from app.cli.staffing import staffing_command
    from app.cli.users import users_cli

    commands = (
        broadcast_cli,
        call_command,
        customers_cli,
        db_cli,
        demo_command,
        flows_cli,
        incidents_cli,
        kb_cli,
        offers_cli,
        queues_command,
        serve_command,
        simulate_command,
        staffing_command,
        worker_command,
        users_cli,
    )
    for command in commands:
        group.add_command(command)


main = FlaskGroup(
    name="helpline",
    create_app=_create_app,
    add_version_option=False,
    help="Run and manage the helpline contact center.",
)
