"""``helpline users``: staff logins."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import User

users_cli = AppGroup("users", help="Manage staff logins.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def set_password_command(email: str, password: str) -> None:
    """Set a new password for the user with EMAIL."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    user.set_password(password)
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")
