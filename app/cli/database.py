"""``helpline db``: schema migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.services import schema

db_cli = AppGroup("db", help="Apply or write database migrations.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    schema.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Take the schema back to REVISION ("-1" for one step, "base" for empty)."""
    schema.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    schema.new_revision(current_app.config["DATABASE_URL"], message)
