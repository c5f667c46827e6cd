"""A local stand-in for Twilio's Messages API, for benchmarks, crash tests and offline demos.

Point ``TWILIO_API_BASE`` at it (``http://127.0.0.1:PORT``). It answers ``POST
/2010-04-01/Accounts/<sid>/Messages.json`` with the 201 body Twilio documents, and ``GET``
of the same path (the Messages list, filtered by ``To`` and ``From``, newest first) with
Twilio's page shape; it records every message it took. With ``limit`` it enforces a rate
of its own like a carrier's (a token bucket holding ``burst`` messages) and answers 429
with error 20429 past it; ``fail_every`` answers a 500 now and then.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.twilio import stub_shapes


@dataclass
class Taken:
    """A message the stub accepted."""

    sid: str
    to: str
    from_: str
    body: str
    at: float  # time.monotonic() when taken
    created: datetime


@dataclass
class Placed:
    """A call the stub accepted: the create's form as sent, and where the call is."""

    sid: str
    to: str
    from_: str
    form: dict[str, list[str]]
    at: float  # time.monotonic() when taken
    created: datetime
    status: str = "queued"
    started: datetime | None = None


@dataclass
class StubState:
    """What the stub took and refused, shared by its threads."""

    limit: float = 0.0  # messages a second; 0: none
    burst: float = 2.0
    fail_every: int = 0
    taken: list[Taken] = field(default_factory=list)
    calls: list[Placed] = field(default_factory=list)
    refused: int = 0  # 429s for going over ``limit``
    failed: int = 0  # injected 500s
    lock: threading.Lock = field(default_factory=threading.Lock)
    _tokens: float = 0.0
    _at: float = 0.0
    _seen: int = 0

    def admit(self) -> int:
        """The status to answer a create with: 201, 429 (over the limit) or 500."""
        with self.lock:
            self._seen += 1
            if self.fail_every and self._seen % self.fail_every == 0:
                self.failed += 1
                return 500
            if self.limit <= 0:
                return 201
            now = time.monotonic()
            if not self._at:
                self._tokens, self._at = self.burst, now
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.limit)
            self._at = now
            if self._tokens < 1:
                self.refused += 1
                return 429
            self._tokens -= 1
            return 201


def serve(state: StubState, port: int = 0) -> ThreadingHTTPServer:
    """Start the stub on 127.0.0.1:``port`` (0: any free port) in a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle keep-alive connection is closed after this long
        # Headers and body in one write: two small writes meet the client's delayed ACK
        # (40 ms a request). Flushed after each request by the server.
        wbufsize = 1 << 16

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            if len(data) < length:  # the client went away mid-request: nothing was asked
                self.close_connection = True
                return None
            fields = parse_qs(data.decode())
            form = {k: v[0] for k, v in fields.items()}
            account = _account(self.path)
            if account is not None and self.path.endswith("/Calls.json"):
                return self._create_call(account, form, fields)
            if account is None or not self.path.endswith("/Messages.json"):
                return self._send(404, {"code": 20404, "message": "not found", "status": 404})
            if not form.get("To") or not (form.get("Body") or form.get("MediaUrl")):
                return self._send(
                    400, stub_shapes.error(21604, "A 'To' phone number is required.", 400)
                )
            if self._refused():
                return None
            created = datetime.now(UTC)
            with state.lock:
                sid = f"SM{len(state.taken) + 1:032x}"
                taken = Taken(
                    sid, form.get("To", ""), form.get("From", ""), form.get("Body", ""),
                    time.monotonic(), created,
                )  # fmt: skip
                state.taken.append(taken)
            self._send(201, _message(account, taken))

        def _create_call(
            self, account: str, form: dict[str, str], fields: dict[str, list[str]]
        ) -> None:
            if not form.get("To"):
                return self._send(400, stub_shapes.error(21201, "No 'To' number is specified", 400))
            if not form.get("From"):
                return self._send(
                    400, stub_shapes.error(21213, "No 'From' number is specified", 400)
                )
            if not (form.get("Url") or form.get("Twiml") or form.get("ApplicationSid")):
                message = "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required."
                return self._send(400, stub_shapes.error(21205, message, 400))
            if self._refused():
                return None
            with state.lock:
                sid = f"CA{len(state.calls) + 1:032x}"
                placed = Placed(
                    sid, form["To"], form["From"], fields, time.monotonic(), datetime.now(UTC)
                )
                state.calls.append(placed)
            self._send(201, _call(account, placed))

        def _refused(self) -> bool:
            """Answer a 429 or an injected 500 when the stub says so; True if it did."""
            status = state.admit()
            if status == 429:
                self._send(429, stub_shapes.error(20429, "Too Many Requests", 429))
            elif status == 500:
                self._send(500, stub_shapes.error(20500, "Internal Server Error", 500))
            return status != 201

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            account = _account(url.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            size = int(query.get("PageSize", "50"))
            if account is not None and url.path.endswith("/Calls.json"):
                with state.lock:
                    calls = [_call(account, p) for p in reversed(state.calls) if _lists(p, query)]
                page = stub_shapes.page("calls", calls[:size], url.path, self.path, size)
                return self._send(200, page)
            if account is None or not url.path.endswith("/Messages.json"):
                return self._send(404, {"code": 20404, "message": "not found", "status": 404})
            with state.lock:
                found = [
                    t
                    for t in reversed(state.taken)
                    if t.to == query.get("To", t.to) and t.from_ == query.get("From", t.from_)
                ]
            messages = [_message(account, t) for t in found[:size]]
            self._send(200, stub_shapes.page("messages", messages, url.path, self.path, size))

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = False  # ``close`` waits for each connection's thread
    server.block_on_close = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def close(server: ThreadingHTTPServer) -> None:
    """Stop the stub and close every socket it holds (clients should be gone by now)."""
    server.shutdown()
    server.server_close()


def _account(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) >= 5 and parts[1] == "2010-04-01" and parts[2] == "Accounts":
        return parts[3]
    return None


def _message(account: str, taken: Taken) -> dict[str, Any]:
    return stub_shapes.message(account, taken.sid, taken.to, taken.from_, taken.body, taken.created)


def _call(account: str, placed: Placed) -> dict[str, Any]:
    return stub_shapes.call(
        account, placed.sid, placed.to, placed.from_, placed.created, placed.status,
        placed.started,
    )  # fmt: skip


def _lists(placed: Placed, query: dict[str, str]) -> bool:
    """Whether the Calls list filtered by ``query`` shows the call: ``To``, ``From`` and
    ``Status`` exactly; ``StartTime>`` (Twilio's ``StartTime>=YYYY-MM-DD``) only a call
    dialled on or after that day (a queued call has no start time)."""
    for name, value in (("To", placed.to), ("From", placed.from_), ("Status", placed.status)):
        if name in query and query[name] != value:
            return False
    since = query.get("StartTime>")
    if since is not None:
        return placed.started is not None and placed.started.date().isoformat() >= since[:10]
    return True
