"""``helpline users``: staff logins."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import AppGroup
from redis.exceptions import RedisError

from app.models import User
from app.services.agents import staff

users_cli = AppGroup("users", help="Manage staff logins.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def set_password_command(email: str, password: str) -> None:
    """Set a new password for the user with EMAIL; their sessions end."""
    user = _user(email)
    _change(user, "Password changed", lambda: staff.set_password(user, password))


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Turn off the login of the user with EMAIL; their sessions end."""
    user = _user(email)
    _change(user, "Login deactivated", lambda: staff.deactivate(user))


@users_cli.command("activate")
@click.argument("email")
def activate_command(email: str) -> None:
    """Turn the login of the user with EMAIL back on."""
    user = _user(email)
    _change(user, "Login activated", lambda: staff.activate(user))


def _user(email: str) -> User:
    user = staff.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


def _change(user: User, done: str, change: Callable[[], None]) -> None:
    try:
        change()
    except RedisError:
        # The database has the change; only ending the sessions (in Redis) failed.
        raise click.ClickException(
            f"{done} for {user.email}, but their sessions could not be ended: "
            "Redis does not answer; run this again when it does"
        ) from None
    click.echo(f"{done} for {user.email}.")
