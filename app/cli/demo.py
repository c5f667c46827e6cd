"""``helpline demo``: realistic demo data."""

from __future__ import annotations

import click


@click.command("demo")
def demo_command() -> None:
    """Load demo data (not written yet)."""
    raise click.ClickException("not written yet")
