"""What one console's read costs the server, to say where (b)'s time goes: serial
``GET /api/console/desk`` on an otherwise idle server, with the queue empty and with 60
callers in line (the desk describes the first 50), against a webhook's round trip.

A helper of ``console.py``.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time

from _console_calls import HangUpCall, exit_of, walk_to_queue
from _load import GunicornServer

READS = 40
IN_LINE = 60


def log_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a new session for ``email``."""
    api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    api.request("GET", "/api/session")
    response = api.getresponse()
    token, cookie = json.loads(response.read())["csrf_token"], _cookie(response)
    body = json.dumps({"email": email, "password": password})
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    api.request("POST", "/api/session", body=body, headers=headers)
    response = api.getresponse()
    response.read()
    api.close()
    if response.status != 200:
        raise RuntimeError(f"log-in answered {response.status}")
    return _cookie(response) or cookie


def _cookie(response: http.client.HTTPResponse) -> str:
    return (response.getheader("Set-Cookie") or "").split(";", 1)[0]


def desk_read_ms(port: int, cookie: str) -> float:
    """The median of ``READS`` serial desk reads, in ms (each on a new connection)."""
    times = []
    for _ in range(READS):
        api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        api.request("GET", "/api/console/desk", headers={"Cookie": cookie})
        response = api.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        api.close()
        if response.status != 200:
            raise RuntimeError(f"the desk answered {response.status}")
    return statistics.median(times)


def measure_cost(server: GunicornServer, email: str, password: str) -> dict[str, float]:
    """Desk reads with the queue empty and with ``IN_LINE`` callers; a webhook's round trip."""
    cookie = log_in(server.port, email, password)
    empty = desk_read_ms(server.port, cookie)
    calls, webhook = [], []
    for n in range(IN_LINE):
        call = HangUpCall(f"CAc0575{n:027x}", f"+1415557{n:04d}")
        root, took, _ = walk_to_queue(server, call)
        calls.append((call, exit_of(root) or ""))
        webhook.append(took * 1000)
    full = desk_read_ms(server.port, cookie)
    for call, exit_path in calls:
        server.send(call.hang_up(exit_path))
    return {
        "desk_empty_ms": empty,
        f"desk_{IN_LINE}_waiting_ms": full,
        "webhook_enqueue_ms": statistics.median(webhook),
    }
