"""Stores that stop answering, for tests of what a webhook does in time.

Each gives up after ``give_up`` seconds (closing its connections, releasing its lock), so
code with no bound of its own fails a test instead of hanging the suite.
"""

from __future__ import annotations

import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

GIVE_UP = 20.0  # longer than Twilio's 15 s: a webhook that waits this long has failed


def _message(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + struct.pack("!I", len(payload) + 4) + payload


_STARTUP_REPLY = (
    _message(b"R", struct.pack("!I", 0))  # authentication ok
    + b"".join(
        _message(b"S", name + b"\0" + value + b"\0")
        for name, value in (
            (b"server_version", b"16.0"),
            (b"server_encoding", b"UTF8"),
            (b"client_encoding", b"UTF8"),
            (b"standard_conforming_strings", b"on"),
            (b"DateStyle", b"ISO, MDY"),
            (b"integer_datetimes", b"on"),
            (b"TimeZone", b"UTC"),
        )
    )
    + _message(b"K", struct.pack("!II", 1, 2))  # the cancel key
    + _message(b"Z", b"I")  # ready for query
)


class _Listener:
    """A local TCP server that hands each connection to ``serve`` in a thread."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed.set()
        self.sock.close()


class HungPostgres(_Listener):
    """A PostgreSQL server that accepts a connection, logs it in, and never answers a query."""

    def serve(self, conn: socket.socket) -> None:
        with conn:
            if _startup(conn):
                self.closed.wait(GIVE_UP)

    def url(self) -> str:
        return f"postgresql+psycopg://nobody@127.0.0.1:{self.port}/none"


class SilentServer(_Listener):
    """A server that accepts a connection and never says a word: a client's connect times out."""

    def serve(self, conn: socket.socket) -> None:
        with conn:
            self.closed.wait(GIVE_UP)

    def url(self) -> str:
        return f"postgresql+psycopg://nobody@127.0.0.1:{self.port}/none"


def _startup(conn: socket.socket) -> bool:
    """Answer libpq's startup: no TLS, no GSS, any user is welcome."""
    while True:
        head = conn.recv(8, socket.MSG_WAITALL)
        if len(head) < 8:
            return False
        length, code = struct.unpack("!II", head)
        if length > 8:
            conn.recv(length - 8, socket.MSG_WAITALL)
        if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
            conn.sendall(b"N")
            continue
        conn.sendall(_STARTUP_REPLY)
        return True


class FreezingProxy(_Listener):
    """A TCP proxy in front of a real server that the test can freeze mid-call.

    ``freeze()``: every connection open now, and any opened before ``thaw()``, goes silent
    for good (what it sends is dropped, nothing comes back), as a server that hangs would.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.frozen = False
        self.pairs: list[dict[str, bool]] = []
        super().__init__()

    def freeze(self) -> None:
        self.frozen = True
        for pair in self.pairs:
            pair["dead"] = True

    def thaw(self) -> None:
        self.frozen = False

    def serve(self, conn: socket.socket) -> None:
        pair = {"dead": self.frozen}
        self.pairs.append(pair)
        with conn, socket.create_connection(self.upstream) as server:
            _pump(conn, server, pair, self.closed)

    def url_for(self, database_url: str) -> str:
        proxied = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return proxied.render_as_string(hide_password=False)


def _pump(
    a: socket.socket, b: socket.socket, pair: dict[str, bool], closed: threading.Event
) -> None:
    """Copy bytes both ways until either side closes; a dead pair drops them, then closes."""
    dead_since: float | None = None
    while not closed.is_set():
        if pair["dead"]:
            dead_since = dead_since or time.monotonic()
            if time.monotonic() - dead_since > GIVE_UP:
                return
        readable, _, _ = select.select([a, b], [], [], 0.1)
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            if not pair["dead"]:
                (b if source is a else a).sendall(data)


_HOLD_SQLITE = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""

_HOLD_POSTGRES = """
import sys, time
import psycopg
with psycopg.connect(sys.argv[1]) as connection:
    connection.execute(f"LOCK TABLE {sys.argv[3]} IN SHARE MODE")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def write_lock_held_elsewhere(
    database_url: str, seconds: float = GIVE_UP, table: str = "interactions"
) -> Iterator[None]:
    """Another process holds the database's write lock for ``seconds`` (or until exit).

    SQLite: a ``BEGIN IMMEDIATE`` transaction, as an import or a worker would hold it.
    PostgreSQL: a ``SHARE`` lock on ``table``, which readers pass and writers wait for.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        script, target = _HOLD_SQLITE, str(url.database)
    else:
        script = _HOLD_POSTGRES
        target = url.set(drivername="postgresql").render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [sys.executable, "-c", script, target, str(seconds), table],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.communicate()
