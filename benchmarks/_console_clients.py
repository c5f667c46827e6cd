"""Agent consoles reduced to what the page does on the wire, in a process of their own.

Each console logs in as its own agent (``POST /api/session`` with the CSRF token of
``GET /api/session``), holds ``GET /api/live?view=console`` open and, like
``app/static/js/page.js`` and ``console.js``, shows a queue's line the stream pushes
(``line`` events) as it is, and on any other event fetches ``GET /api/console/desk`` at
most once a second (the first event after a quiet second at once, later ones at the end of
that second, all coalesced into one fetch).
Like ``console.js`` it sends ``POST /api/agent/heartbeat`` every 20 s. When a stream ends
it reconnects after the 3 s the server's ``retry:`` asks for.

All consoles run on one asyncio loop in a child process, so their parsing does not delay
the benchmark's own timing; ``Consoles`` is the parent's handle. Times are
``time.monotonic()`` (CLOCK_MONOTONIC: the same clock in both processes). The child notes
when each console's desk first lists a contact the parent asked it to watch.

A helper of ``console.py``.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from collections.abc import Coroutine
from multiprocessing.connection import Connection
from typing import Any

REFETCH_EVERY = 1.0  # seconds: page.js coalesces the events of a busy second
HEARTBEAT_EVERY = 20.0  # console.js
RECONNECT_AFTER = 3.0  # the server's ``retry: 3000``
TIMEOUT = 30.0
DEBUG = bool(os.environ.get("BENCH_DEBUG"))


class Consoles:
    """``count`` open consoles in a child process; a context manager."""

    def __init__(self, port: int, logins: list[str], password: str, spread: float = 0) -> None:
        self.port, self.logins, self.password = port, logins, password
        self.spread = spread  # a what-if: each fetch delayed by a random 0-spread seconds
        self._conn: Connection | None = None
        self._process: Any = None

    def __enter__(self) -> Consoles:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_child,
            args=(child, self.port, self.logins, self.password, self.spread),
            daemon=True,
        )
        self._process.start()
        self._conn = parent
        ready = self._ask("ready")
        if ready["streams"] < len(self.logins):
            raise RuntimeError(f"consoles not all open: {ready}")
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self._ask("stop")
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()

    def watch(self, contact_id: str) -> None:
        """Note from now on when each console first shows ``contact_id``."""
        self._ask("watch", contact_id)

    def seen(self, contact_id: str) -> dict[int, float]:
        """Console number -> when its desk first listed ``contact_id`` (monotonic)."""
        found: dict[int, float] = self._ask("seen", contact_id)
        return found

    def stats(self) -> dict[str, float]:
        """Fetches, events, heartbeats, refused streams, errors and CPU seconds so far."""
        found: dict[str, float] = self._ask("stats")
        return found

    def _ask(self, *command: Any) -> Any:
        assert self._conn is not None
        self._conn.send(command)
        if not self._conn.poll(120):
            raise RuntimeError(f"the consoles' process did not answer {command[0]!r}")
        answer = self._conn.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer


# --- the child process -------------------------------------------------------------------


class _Fleet:
    """What the consoles share: the watched contacts and the counters."""

    def __init__(self, port: int, spread: float) -> None:
        self.port, self.spread = port, spread
        self.lock = threading.Lock()
        self.watched: dict[str, dict[int, float]] = {}
        self.counts = dict(
            fetches=0, events=0, lines=0, heartbeats=0, refused=0, errors=0, streams=0
        )
        # asyncio keeps only weak references to tasks: one nobody holds may be collected
        # mid-stream (its coroutine closed), so every task is held here until it ends.
        self.tasks: set[asyncio.Task[None]] = set()

    def start(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run ``coroutine`` as a task that stays referenced until done."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def count(self, what: str, by: int = 1) -> None:
        with self.lock:
            self.counts[what] += by

    def saw(self, console: int, contact_ids: set[str], at: float) -> None:
        with self.lock:
            for contact_id in contact_ids & self.watched.keys():
                self.watched[contact_id].setdefault(console, at)


class _Console:
    """One agent's console page."""

    def __init__(self, fleet: _Fleet, number: int, cookies: dict[str, str], csrf: str) -> None:
        self.fleet, self.number = fleet, number
        self.cookies, self.csrf = cookies, csrf
        self.last = 0.0
        self.queued: asyncio.TimerHandle | None = None
        self.streaming = asyncio.Event()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def run(self) -> None:
        self.fleet.start(self._heartbeats())
        while True:
            try:
                await self._stream()
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                self.fleet.count("errors")
                print(f"console {self.number}: stream {exc!r}", file=sys.stderr, flush=True)
            self.streaming.clear()
            await asyncio.sleep(RECONNECT_AFTER)

    async def _stream(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.fleet.port)
        try:
            head = (
                "GET /api/live?view=console HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            )
            writer.write(f"{head}Cookie: {self.cookie}\r\n\r\n".encode())
            status = int((await reader.readuntil(b"\r\n\r\n")).split(b" ", 2)[1])
            if status != 200:
                self.fleet.count("refused")
                print(f"console {self.number}: refused {status}", file=sys.stderr, flush=True)
                return
            self.fleet.count("streams")
            self.streaming.set()
            # Chunked: each chunk is whole frames, so the size lines are simply not ``data:``.
            while line := await reader.readline():
                if line.startswith(b"data: "):
                    self.fleet.count("events")
                    self._heard(line[6:])
                elif DEBUG and line.strip():  # BENCH_DEBUG=1: the rest of the stream
                    print(f"console {self.number}: {line!r}", file=sys.stderr, flush=True)
        finally:
            if self.streaming.is_set():
                self.fleet.count("streams", -1)
            writer.close()

    def _heard(self, data: bytes) -> None:
        """console.js: a queue's line pushed is shown as it is; anything else fetches."""
        event = json.loads(data)
        if event.get("kind") != "line":
            self.soon()
            return
        self.fleet.count("lines")
        shown = {c["contact_id"] for c in event["line"]["contacts"]}
        self.fleet.saw(self.number, shown, time.monotonic())

    def soon(self) -> None:
        """page.js's ``soon``: one fetch, at once or a second after the last one."""
        if self.queued is not None:
            return
        wait = max(0.0, REFETCH_EVERY - (time.monotonic() - self.last))
        wait += random.uniform(0, self.fleet.spread) if self.fleet.spread else 0.0
        loop = asyncio.get_running_loop()
        self.queued = loop.call_later(wait, lambda: self.fleet.start(self._fetch()))

    async def _fetch(self) -> None:
        self.queued, self.last = None, time.monotonic()
        try:
            status, _, body = await _http(self.fleet.port, "GET", "/api/console/desk", self.cookie)
            desk = json.loads(body)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            self.fleet.count("errors")
            return
        at = time.monotonic()
        self.fleet.count("fetches")
        if status != 200:
            self.fleet.count("errors")
            return
        shown = {c["contact_id"] for q in desk["queues"] for c in q["contacts"]}
        if desk.get("offer"):
            shown.add(desk["offer"]["contact_id"])
        self.fleet.saw(self.number, shown, at)

    async def _heartbeats(self) -> None:
        await asyncio.sleep(random.uniform(0, HEARTBEAT_EVERY))  # pages open at different times
        while True:
            headers = {"X-CSRFToken": self.csrf, "Content-Type": "application/json"}
            try:
                status, _, _ = await _http(
                    self.fleet.port, "POST", "/api/agent/heartbeat", self.cookie, b"{}", headers
                )
                self.fleet.count("heartbeats" if status == 200 else "errors")
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
                self.fleet.count("errors")
            await asyncio.sleep(HEARTBEAT_EVERY)


async def _http(
    port: int,
    method: str,
    path: str,
    cookie: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request on a new connection (``Connection: close``): status, headers, body."""

    async def exchange() -> tuple[int, list[tuple[str, str]], bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
            lines += [f"Cookie: {cookie}"] if cookie else []
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            lines += [f"Content-Length: {len(body)}"] if body or method != "GET" else []
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read()
        finally:
            writer.close()
        head, _, content = raw.partition(b"\r\n\r\n")
        first, *rest = head.decode("latin-1").split("\r\n")
        pairs = [(k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in rest)]
        return int(first.split()[1]), pairs, content

    return await asyncio.wait_for(exchange(), TIMEOUT)


def _take_cookies(jar: dict[str, str], headers: list[tuple[str, str]]) -> None:
    for name, value in headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]


async def _log_in(fleet: _Fleet, number: int, email: str, password: str) -> _Console:
    jar: dict[str, str] = {}
    _, headers, body = await _http(fleet.port, "GET", "/api/session")
    _take_cookies(jar, headers)
    form = json.dumps({"email": email, "password": password}).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    extra = {"X-CSRFToken": json.loads(body)["csrf_token"], "Content-Type": "application/json"}
    status, headers, answer = await _http(fleet.port, "POST", "/api/session", cookie, form, extra)
    if status != 200:
        raise RuntimeError(f"log-in of {email} answered {status}: {answer[:200]!r}")
    _take_cookies(jar, headers)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    _, headers, body = await _http(fleet.port, "GET", "/api/session", cookie)
    _take_cookies(jar, headers)
    return _Console(fleet, number, jar, json.loads(body)["csrf_token"])


async def _open_all(fleet: _Fleet, logins: list[str], password: str) -> list[_Console]:
    consoles: list[_Console] = []
    for start in range(0, len(logins), 8):  # a few at a time: each log-in checks a hash
        batch = enumerate(logins[start : start + 8], start)
        consoles += await asyncio.gather(*(_log_in(fleet, n, e, password) for n, e in batch))
    for console in consoles:
        fleet.start(console.run())
    await asyncio.wait_for(asyncio.gather(*(c.streaming.wait() for c in consoles)), 60)
    return consoles


def _child(conn: Connection, port: int, logins: list[str], password: str, spread: float) -> None:
    fleet = _Fleet(port, spread)
    loop = asyncio.new_event_loop()
    opened: list[Any] = []

    def run_loop() -> None:
        asyncio.set_event_loop(loop)
        try:
            opened.append(loop.run_until_complete(_open_all(fleet, logins, password)))
        except Exception as exc:  # told to the parent, which raises it
            opened.append(exc)
            return
        loop.run_forever()

    thread = threading.Thread(target=run_loop, daemon=True)
    thread.start()
    while True:
        command, *args = conn.recv()
        if command == "ready":
            while not opened:
                time.sleep(0.05)
            failed = opened[0] if isinstance(opened[0], Exception) else None
            conn.send(failed or {"streams": fleet.counts["streams"]})
        elif command == "watch":
            with fleet.lock:
                fleet.watched[args[0]] = {}
            conn.send(None)
        elif command == "seen":
            with fleet.lock:
                conn.send(dict(fleet.watched.get(args[0], {})))
        elif command == "stats":
            with fleet.lock:  # with this process's CPU: it shares the machine with the server
                conn.send({**fleet.counts, "cpu_seconds": round(time.process_time(), 1)})
        elif command == "stop":
            conn.send(None)
            os._exit(0)  # the pages close: their sockets with the process
