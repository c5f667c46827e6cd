"""WAL checkpoints on a background thread: commits stay in the log, the thread copies them back."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from app.extensions import make_engine
from app.sqlite_wal import SAFETY_PAGES

ROWS = 400
BLOB = "x" * 2000  # a row per page or so: hundreds of pages in the log


def _write(engine_url: str, checkpoint_seconds: float) -> tuple[Path, Engine]:
    engine = make_engine(engine_url, checkpoint_seconds=checkpoint_seconds)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), [{"body": BLOB}] * ROWS)
    return Path(engine.url.database or ""), engine


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_thread_copies_committed_pages_into_the_database_file(tmp_path: Path) -> None:
    path, engine = _write(f"sqlite:///{tmp_path / 'wal.db'}", checkpoint_seconds=0.1)
    try:
        with engine.connect() as connection:
            autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert autocheckpoint == SAFETY_PAGES
        # The data reaches the database file itself, not only the log, with no commit asking.
        assert _wait_for(lambda: path.stat().st_size > ROWS * len(BLOB), seconds=5)
    finally:
        engine.dispose()


def test_without_the_thread_sqlite_checkpoints_by_itself(tmp_path: Path) -> None:
    path, engine = _write(f"sqlite:///{tmp_path / 'plain.db'}", checkpoint_seconds=0)
    try:
        with engine.connect() as connection:
            autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert autocheckpoint == 1000  # SQLite's default
        time.sleep(0.3)
        # Fewer than 1,000 pages were written: nothing has copied them back yet.
        assert path.stat().st_size < ROWS * len(BLOB)
    finally:
        engine.dispose()
