"""Agent consoles reduced to what they do on the wire: log in, hold ``GET /api/live`` open,
and on each queue event re-fetch ``GET /api/agent/queues`` (at most once a second, as a
page should), noting when each watched caller first shows.

A helper of ``console.py``.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from typing import Any

REFETCH_EVERY = 1.0  # seconds: a console coalesces the events of a busy second


class Console:
    """One console: a stream-reading thread and a re-fetching thread on its own session."""

    def __init__(self, port: int, email: str, password: str, seen: Seen) -> None:
        self.port = port
        self.seen = seen
        self.cookie = _log_in(port, email, password)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.stream.request("GET", "/api/live", headers={"Cookie": self.cookie})
        self._socket = self.stream.sock
        response = self.stream.getresponse()
        if response.status != 200:
            raise RuntimeError(f"/api/live answered {response.status}: {response.read()!r}")
        self.stopped = threading.Event()
        threading.Thread(target=self._read, args=(response,), daemon=True).start()
        threading.Thread(target=self._refetch, daemon=True).start()

    def close(self) -> None:
        """Close the page."""
        self.stopped.set()
        self.events.put({})
        try:
            self._socket.close()
        except OSError:
            pass

    def _read(self, response: http.client.HTTPResponse) -> None:
        try:
            while line := response.readline():
                if line.startswith(b"data: "):
                    self.events.put(json.loads(line[6:]))
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # the page closed

    def _refetch(self) -> None:
        last = 0.0
        while not self.stopped.is_set():
            event = self.events.get()
            while not self.events.empty():  # what came meanwhile needs no fetch of its own
                self.events.get_nowait()
            if event.get("kind") not in ("queue", "hello"):
                continue
            time.sleep(max(0.0, last + REFETCH_EVERY - time.monotonic()))
            last = time.monotonic()
            # A new connection each time: gunicorn closes an idle keep-alive one after 2 s.
            api = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            api.request("GET", "/api/agent/queues", headers={"Cookie": self.cookie})
            body = json.loads(api.getresponse().read())
            api.close()
            waiting = {c["contact_id"] for q in body["queues"] for c in q["contacts"]}
            self.seen.saw(self, waiting, time.perf_counter())


class Seen:
    """When each console first saw each watched caller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.watched: dict[str, float] = {}  # caller -> when its webhook was sent
        self.times: dict[str, dict[int, float]] = {}

    def watch(self, caller: str, sent: float) -> None:
        with self._lock:
            self.watched[caller] = sent
            self.times[caller] = {}

    def saw(self, console: Console, waiting: set[str], at: float) -> None:
        with self._lock:
            for caller in waiting & self.watched.keys():
                self.times[caller].setdefault(id(console), at - self.watched[caller])

    def count(self, caller: str) -> int:
        with self._lock:
            return len(self.times.get(caller, {}))


def _log_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a new session for ``email``."""
    api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    api.request("GET", "/api/session")
    response = api.getresponse()
    token = json.loads(response.read())["csrf_token"]
    cookie = _cookie(response)
    body = json.dumps({"email": email, "password": password})
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    api.request("POST", "/api/session", body=body, headers=headers)
    response = api.getresponse()
    if response.status != 200:
        raise RuntimeError(f"log-in answered {response.status}: {response.read()!r}")
    response.read()
    api.close()
    return _cookie(response) or cookie


def _cookie(response: http.client.HTTPResponse) -> str:
    header = response.getheader("Set-Cookie") or ""
    return header.split(";", 1)[0]
