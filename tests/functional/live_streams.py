"""A browser's ``EventSource``, reduced to what the tests need: open ``/api/live`` with a
session cookie, read its events in a thread, and a server to open it on."""

from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.support import PUBLIC_BASE_URL, sign


class LiveStream:
    """One open ``GET /api/live``: its status, headers and, once 200, its events."""

    def __init__(
        self,
        base: str,
        cookie: str = "",
        last_event_id: str | None = None,
        path: str = "/api/live",
    ) -> None:
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
        headers = {"Accept": "text/event-stream", "Cookie": cookie}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", path, headers=headers)
        # Kept: a response that ends the connection takes the socket from ``connection``.
        self._socket = self.connection.sock
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = dict(self.response.getheaders())
        self.ended = threading.Event()
        self.comments: list[str] = []
        self.retry: str | None = None
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.response.read()
            self._socket.close()
            self.ended.set()

    def next(self, timeout: float = 1.0) -> dict[str, Any]:
        """The next event's data (with its ``id``); ``queue.Empty`` if none comes in time."""
        return self._events.get(timeout=timeout)

    def next_of(self, kind: str, timeout: float = 1.0) -> dict[str, Any]:
        """The next event of ``kind``, skipping others."""
        while True:
            event = self.next(timeout)
            if event["kind"] == kind:
                return event

    def close(self) -> None:
        """Hang up, as a closed tab does."""
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed already
        self._socket.close()
        self.connection.close()  # the reader closes the response as it stops

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            while line := self.response.readline():
                text = line.decode().rstrip("\r\n")
                if text.startswith(":"):
                    self.comments.append(text)
                elif text:
                    name, _, value = text.partition(":")
                    fields[name] = value.removeprefix(" ")
                elif "data" in fields:
                    self._events.put({**json.loads(fields["data"]), "id": fields.get("id")})
                    self.retry = fields.get("retry", self.retry)
                    fields = {}
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # closed by us (http.client may find its file gone: AttributeError)
        finally:
            self.response.close()
            self.ended.set()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` on a threaded local server (a thread per request, as gthread): its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        hub = app.extensions.get("live.hub")
        if hub is not None:
            hub.stop()


def log_in(base: str, email: str, password: str = "secret") -> requests.Session:
    """A browser session logged in through the agent API."""
    browser = requests.Session()
    token = browser.get(f"{base}/api/session", timeout=10).json()["csrf_token"]
    response = browser.post(
        f"{base}/api/session",
        json={"email": email, "password": password},
        headers={"X-CSRFToken": token},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    browser.headers["X-CSRFToken"] = token
    return browser


def cookie_of(browser: requests.Session) -> str:
    """The Cookie header the browser sends."""
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def twilio_post(base: str, path: str, params: dict[str, str]) -> requests.Response:
    """A webhook as Twilio posts it: signed against ``PUBLIC_BASE_URL``, sent to ``base``."""
    signature = sign(PUBLIC_BASE_URL + path, params)
    return requests.post(
        base + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
    )
