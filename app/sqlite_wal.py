"""Checkpointing SQLite's write-ahead log off the request path.

In WAL mode a commit appends pages to the ``-wal`` file; a checkpoint copies them back into
the database file and syncs it to disk. By default the connection whose commit takes the log
past 1,000 pages checkpoints inside that commit, so every few hundred webhooks one of them
waits for a disk sync (up to tens of milliseconds), and the other web processes queue
behind it for the write lock. With a :class:`WalCheckpointer` every process that uses the
database runs a passive checkpoint (one that never blocks readers or writers) on a thread of
its own every few seconds, and a connection checkpoints by itself only past ``SAFETY_PAGES``,
should the thread fall behind.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)

SAFETY_PAGES = 10_000  # about 40 MB of log with 4 KB pages


class WalCheckpointer:
    """A daemon thread per process that checkpoints one SQLite database file."""

    def __init__(self, path: str, interval: float) -> None:
        self.path = path
        self.interval = interval
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def ensure_running(self) -> None:
        """Start the thread in this process if it is not running (forked workers start theirs)."""
        pid = os.getpid()
        if self._pid == pid or self._stopped.is_set():
            return
        with self._lock:
            if self._pid == pid:
                return
            self._pid = pid
            thread = threading.Thread(target=self._run, name="sqlite-wal-checkpoint", daemon=True)
            thread.start()

    def stop(self) -> None:
        """Stop the thread (the engine was disposed)."""
        self._stopped.set()

    def checkpoint(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One passive checkpoint: (busy, pages in the log, pages copied back)."""
        busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(logged), int(copied)

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            # A test's temporary database goes away with its test: the thread goes too.
            while not self._stopped.wait(self.interval) and os.path.exists(self.path):
                try:
                    if connection is None:
                        connection = sqlite3.connect(self.path, timeout=0.5)
                    self.checkpoint(connection)
                except sqlite3.Error as exc:  # locked or gone for a moment: try next time
                    log.debug("WAL checkpoint of %s skipped: %s", self.path, exc)
        finally:
            if connection is not None:
                connection.close()
