"""Helpers for the customer import and export tests: files they write, the command, the rows."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer


def write_csv(tmp_path: Path, text: str, name: str = "customers.csv") -> Path:
    """A CSV file holding ``text`` (dedented, first newline dropped)."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def write_bytes(tmp_path: Path, data: bytes, name: str = "customers.csv") -> Path:
    """A file holding exactly ``data``: line ends, byte-order marks and bad bytes as given."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_import(runner: FlaskCliRunner, path: Path, *options: str) -> Result:
    return runner.invoke(args=["customers", "import", str(path), *options])


def stored() -> dict[str, Any]:
    """Every customer's columns by phone, read fresh from the database."""
    rows = db.session.execute(select(*Customer.__table__.columns)).mappings()
    return {row["phone"]: dict(row) for row in rows}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def reported(result: Result, path: Path) -> list[str]:
    """The ``LINE: reason`` of each rejected row the command printed, in order."""
    prefix = f"{path}:"
    return [
        line.removeprefix(prefix)
        for line in result.stderr.splitlines()
        if line.startswith(prefix) and line[len(prefix) : len(prefix) + 1].isdigit()
    ]
