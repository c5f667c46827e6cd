"""Applying and writing Alembic migrations for the app's database."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.models.kb_index import INDEX_OBJECTS

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Whether schema comparison looks at an object: not the search index's own, which the
    database keeps (the FTS5 table and its shadow tables, the generated tsvector, its GIN)."""
    return name not in INDEX_OBJECTS


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` back to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def new_revision(url: str, message: str) -> None:
    """Write a migration from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
