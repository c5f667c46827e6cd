"""``helpline demo``: realistic demo data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.demo import DEFAULT_CUSTOMERS, MAX_CUSTOMERS, Login, load_demo
from app.extensions import db
from app.models import Role

ROLE_ORDER = {Role.ADMIN: 0, Role.SUPERVISOR: 1, Role.AGENT: 2}


@click.command("demo")
@click.option(
    "--customers",
    "customer_count",
    type=click.IntRange(0, MAX_CUSTOMERS),
    default=DEFAULT_CUSTOMERS,
    show_default=True,
    help="How many demo customers there should be.",
)
@with_appcontext
def demo_command(customer_count: int) -> None:
    """Load demo data: queues, agents, customers with six months of history.

    Safe to run again: only what is missing is added. Logins of the demo users
    are printed once, when they are created.
    """
    report = load_demo(db.session, customers=customer_count)
    for line in report.summary_lines():
        click.echo(line)
    if report.logins:
        _print_logins(report.logins)
    elif report.users_existing:
        click.echo(
            "The demo users already exist; their passwords were shown when they were "
            "created. Reset one with: helpline users set-password EMAIL"
        )


def _print_logins(logins: list[Login]) -> None:
    click.echo("")
    click.echo("Demo logins (shown only this once; keep them somewhere safe):")
    width = max(len(login.email) for login in logins)
    for login in sorted(logins, key=lambda login: (ROLE_ORDER[login.role], login.email)):
        click.echo(f"  {login.role.value:<11} {login.email:<{width}}  {login.password}")
    click.echo("Reset a password with: helpline users set-password EMAIL")
