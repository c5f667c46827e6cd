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
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


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
class StubState:
    """What the stub took and refused, shared by its threads."""

    limit: float = 0.0  # messages a second; 0: none
    burst: float = 2.0
    fail_every: int = 0
    taken: list[Taken] = field(default_factory=list)
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
            form = {k: v[0] for k, v in parse_qs(data.decode()).items()}
            account = _account(self.path)
            if account is None or not self.path.endswith("/Messages.json"):
                return self._send(404, {"code": 20404, "message": "not found", "status": 404})
            if not form.get("To") or not (form.get("Body") or form.get("MediaUrl")):
                return self._send(400, _error(21604, "A 'To' phone number is required.", 400))
            status = state.admit()
            if status == 429:
                return self._send(429, _error(20429, "Too Many Requests", 429))
            if status == 500:
                return self._send(500, _error(20500, "Internal Server Error", 500))
            created = datetime.now(UTC)
            with state.lock:
                sid = f"SM{len(state.taken) + 1:032x}"
                taken = Taken(
                    sid, form.get("To", ""), form.get("From", ""), form.get("Body", ""),
                    time.monotonic(), created,
                )  # fmt: skip
                state.taken.append(taken)
            self._send(201, _message(account, taken))

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            account = _account(url.path)
            if account is None or not url.path.endswith("/Messages.json"):
                return self._send(404, {"code": 20404, "message": "not found", "status": 404})
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            with state.lock:
                found = [
                    t
                    for t in reversed(state.taken)
                    if t.to == query.get("To", t.to) and t.from_ == query.get("From", t.from_)
                ]
            size = int(query.get("PageSize", "50"))
            page = {
                "messages": [_message(account, t) for t in found[:size]],
                "page": 0,
                "page_size": size,
                "first_page_uri": url.path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "uri": self.path,
            }
            self._send(200, page)

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


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    more = f"https://www.twilio.com/docs/errors/{code}"
    return {"code": code, "message": message, "more_info": more, "status": status}


def _message(account: str, taken: Taken) -> dict[str, Any]:
    stamp = format_datetime(taken.created)
    return {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": taken.body,
        "date_created": stamp,
        "date_sent": None,
        "date_updated": stamp,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": taken.from_,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": taken.sid,
        "status": "queued",
        "subresource_uris": {"media": f"{_path(account, taken.sid)}/Media.json"},
        "to": taken.to,
        "uri": f"{_path(account, taken.sid)}.json",
    }


def _path(account: str, sid: str) -> str:
    return f"/2010-04-01/Accounts/{account}/Messages/{sid}"
