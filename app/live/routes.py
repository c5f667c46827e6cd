"""``GET /api/live``: server-sent events for logged-in staff; pages re-fetch on each.

The first event is always ``hello`` (re-sync: fetch everything), so a page that reconnects
(``Last-Event-ID`` or not) knows it may have missed events. A comment every
``LIVE_HEARTBEAT_SECONDS`` keeps proxies from closing a quiet stream and finds clients gone.
A stream ends after ``LIVE_STREAM_SECONDS`` (the browser reconnects by itself), when its
session ends, or is refused with a 503 when ``LIVE_MAX_STREAMS`` are open in this process:
the threads left over answer Twilio's webhooks, and the page polls meanwhile.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_login import current_user, login_required
from redis.exceptions import RedisError

from app.live.hub import EVERYONE, Event, Hub, Stream, Watcher
from app.live.publish import channel_of
from app.services.agents.desk_state import queue_line
from app.services.agents.desk_view import served_queues_seen
from app.sessions import session_check, watching

bp = Blueprint("live", __name__, url_prefix="/api")

RETRY_MILLIS = 3000  # how soon a browser reconnects after a stream ends
STREAM_SECONDS = 300.0  # a stream's longest life, so web threads are handed back
HEARTBEAT_SECONDS = 15.0
SEND_GAP = 0.5  # seconds a stream gathers changes after sending some
BUSY_RETRY_SECONDS = 30  # Retry-After on a 503: the page polls until then
SUBSCRIBE_WAIT = 2.0  # the longest a hello waits for the hub's Redis subscription
_hub_lock = threading.Lock()


@bp.errorhandler(RedisError)
def _redis_down(_error: RedisError) -> tuple[Any, int]:
    # Sessions live in Redis: without it nobody is let in, as on the rest of /api.
    return jsonify(error="the live store (Redis) does not answer; try again shortly"), 503


@bp.get("/live")
@watching
@login_required
def live() -> Any:
    """The live event stream of this process."""
    hub = live_hub(current_app._get_current_object())  # type: ignore[attr-defined]
    stream = hub.open(_watcher())
    if stream is None:
        response = jsonify(error="too many live streams here; poll, and try again later")
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response, 503
    config = current_app.config
    hello = {"kind": "hello", "resync": True, "last_event_id": request.headers.get("Last-Event-ID")}
    # The body runs after this request's context is gone: it takes all it needs now, and
    # holds no database session or renewed login while it streams.
    body = _events(
        hub,
        stream,
        hub.event(json.dumps(hello)),
        session_check(current_user.id),
        float(config.get("LIVE_STREAM_SECONDS", STREAM_SECONDS)),
        float(config.get("LIVE_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)),
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    response = Response(body, mimetype="text/event-stream", headers=headers)
    # Also when the body never starts (the client left first): a generator not yet begun
    # runs no ``finally`` when closed.
    response.call_on_close(lambda: hub.close(stream))
    return response


def live_hub(app: Flask) -> Hub:
    """The app's hub in this process (made on first use: after gunicorn forked)."""
    with _hub_lock:
        hub: Hub | None = app.extensions.get("live.hub")
        if hub is None:
            hub = Hub(
                app.config["REDIS_URL"],
                channel_of(app.extensions["redis"]),
                int(app.config["LIVE_MAX_STREAMS"]),
                connect_timeout=float(app.config["STORE_TIMEOUT"]),
                line_reader=partial(_queue_line, app),
            )
            app.extensions["live.hub"] = hub
        return hub


def _watcher() -> Watcher:
    """``?view=console`` on an agent's login: the console's own events and queue lines;
    otherwise every event (the supervisor's floor)."""
    agent = current_user.user.agent if request.args.get("view") == "console" else None
    if agent is None:
        return EVERYONE
    return Watcher(str(agent.id), frozenset(served_queues_seen(agent)))


def _queue_line(app: Flask, queue: str) -> dict[str, Any]:
    """One queue's line as consoles list it; read by the hub's thread, outside any request."""
    with app.app_context():
        return queue_line(queue)


def _events(
    hub: Hub,
    stream: Stream,
    hello: Event,
    logged_in: Callable[[], bool],
    lifetime: float,
    heartbeat: float,
) -> Iterator[str]:
    """The stream's body: retry and hello, then events and heartbeats until it ends."""
    try:
        # The page fetches everything on hello: events from then on must reach it, so the
        # hello waits (a moment, not for a Redis that is down) for the hub's subscription,
        # which the first stream of a process starts.
        hub.subscribed.wait(SUBSCRIBE_WAIT)
        yield f"retry: {RETRY_MILLIS}\n" + _frame(hello)
        now = time.monotonic()
        # Each stream keeps its own rhythm: streams opened together (a shift starting) must
        # not all wake at the same instant, each time, for their heartbeats and sends.
        ends, beat = now + lifetime, now + heartbeat * random.uniform(0.5, 1.0)
        while now < ends:
            events = stream.take(min(beat, ends) - now)
            if events:
                yield "".join(_frame(event) for event in _distinct(events))
                # What happens in the next moment goes out together: a page fetches at most
                # once a second anyway, and a hundred streams woken per call would starve
                # the webhooks on a busy floor.
                gap = SEND_GAP * random.uniform(0.75, 1.25)
                time.sleep(min(gap, max(0.0, ends - time.monotonic())))
            now = time.monotonic()
            if now >= beat:
                if not _still_logged_in(logged_in):
                    return  # logged out meanwhile: the reconnection gets a 401
                if not events:
                    yield ": still here\n\n"
                beat = now + heartbeat
    finally:
        hub.close(stream)


def _still_logged_in(logged_in: Callable[[], bool]) -> bool:
    try:
        return logged_in()
    except RedisError:
        return False  # sessions cannot be checked: end it; the reconnection gets a 503


def _distinct(events: list[Event]) -> list[Event]:
    """Each change once, the latest of its kind (its id tells the page where it is)."""
    latest: dict[str, Event] = {}
    for event in events:
        latest.pop(event.change, None)  # re-inserted: the latest keeps its place last
        latest[event.change] = event
    return list(latest.values())


def _frame(event: Event) -> str:
    return f"id: {event.id}\ndata: {event.data}\n\n"
