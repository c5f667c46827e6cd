"""One Redis subscriber per web process, fanning live events out to the open streams.

A stream is a browser's ``GET /api/live``; it holds a thread (the web server's) but no
Redis connection: one thread per process reads the channel, started on the first stream,
and hands each event to every stream's small queue. When Redis goes away, it tries again
with growing pauses; once subscribed again, it tells every stream to re-sync, since events
published meanwhile were lost.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Events a stream keeps for a slow reader; past that, it is told to re-sync instead.
STREAM_BACKLOG = 64
FIRST_PAUSE, LONGEST_PAUSE = 0.1, 5.0  # seconds between tries to reach Redis again
DRAIN_MOST = 256  # distinct changes taken in one batch before fanning out


def _text(data: bytes | str) -> str:
    return data.decode() if isinstance(data, bytes) else str(data)


def change_of(text: str) -> str:
    """What an event says changed, without when: two alike are one change for a page."""
    try:
        fields = json.loads(text)
    except ValueError:
        return text
    if not isinstance(fields, dict):
        return text
    fields.pop("at", None)
    return json.dumps(fields, sort_keys=True)


@dataclass(frozen=True)
class Event:
    """One server-sent event: its id, its JSON data, and what it says changed (the data
    without its time; worked out once by the hub, not by each stream)."""

    id: str
    data: str
    change: str = ""

    def __post_init__(self) -> None:
        if not self.change:
            object.__setattr__(self, "change", change_of(self.data))


class Stream:
    """The events waiting for one open stream; filled by the hub, drained by its request."""

    def __init__(self, backlog: int = STREAM_BACKLOG) -> None:
        self._events: deque[Event] = deque()
        self._backlog = backlog
        self._ready = threading.Condition()

    def put(self, event: Event, resync: Event) -> None:
        """Queue ``event``; a reader this far behind gets ``resync`` instead of the backlog."""
        with self._ready:
            if len(self._events) >= self._backlog:
                self._events.clear()
                event = resync
            self._events.append(event)
            self._ready.notify()

    def take(self, timeout: float) -> list[Event]:
        """The events queued so far, waiting up to ``timeout`` seconds for one."""
        with self._ready:
            self._ready.wait_for(lambda: self._events, timeout)
            events = list(self._events)
            self._events.clear()
            return events


class Hub:
    """This process's subscriber thread and the streams it feeds."""

    def __init__(self, url: str, channel: str, most: int, connect_timeout: float = 2.0) -> None:
        self.url = url
        self.channel = channel
        self.connect_timeout = connect_timeout
        self.most = most  # open streams at once; more are refused
        # Ids name this hub: one from another process (or before a restart) means nothing here.
        self.name = f"helpline-live-{secrets.token_hex(4)}"
        self._ids = itertools.count(1)
        self._streams: set[Stream] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.subscribed = threading.Event()
        self._stopping = threading.Event()

    def open(self) -> Stream | None:
        """A new stream, or None if ``most`` are open already."""
        with self._lock:
            if len(self._streams) >= self.most:
                return None
            stream = Stream()
            self._streams.add(stream)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._listen, name=self.name, daemon=True)
                self._thread.start()
            return stream

    def close(self, stream: Stream) -> None:
        """The stream's request ended."""
        with self._lock:
            self._streams.discard(stream)

    def stop(self) -> None:
        """End the subscriber thread within a second (an app thrown away: tests)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def open_streams(self) -> int:
        """How many streams are open now."""
        return len(self._streams)

    def event(self, data: str, change: str = "") -> Event:
        """``data`` as this hub's next event."""
        return Event(f"{self.name}.{next(self._ids)}", data, change)

    def resync(self, why: str) -> Event:
        """An event telling a page to re-fetch everything, as it may have missed events."""
        return self.event(json.dumps({"kind": "hello", "resync": True, "why": why}))

    def _fan_out(self, event: Event, resync: Event) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.put(event, resync)

    def _drain(self, pubsub: Any, first: dict[str, Any]) -> list[tuple[str, str]]:
        """The message just read and those already waiting behind it, each change once.

        Under load (hundreds of calls a second) one change follows another; a page only
        needs to hear that something changed, so each distinct change is fanned out once per
        batch, not once per call.
        """
        distinct: dict[str, tuple[str, str]] = {}
        message: dict[str, Any] | None = first
        while message is not None and len(distinct) < DRAIN_MOST:
            if message["type"] == "message":
                text = _text(message["data"])
                change = change_of(text)
                distinct[change] = (text, change)
            message = pubsub.get_message(timeout=0)
        return list(distinct.values())

    def _fan_out_batch(self, changes: list[tuple[str, str]]) -> None:
        behind = self.resync("too far behind")
        for text, change in changes:
            self._fan_out(self.event(text, change), behind)

    def _listen(self) -> None:
        """Read the channel for good, reconnecting with growing pauses."""
        pause, first = FIRST_PAUSE, True
        while not self._stopping.is_set():
            try:
                self._read(first)
            except (RedisError, OSError) as exc:
                # A subscription that worked a while ago starts the pauses again from short.
                pause = FIRST_PAUSE if self.subscribed.is_set() else min(pause * 2, LONGEST_PAUSE)
                why = type(exc).__name__
                log.warning("live events: Redis lost (%s); trying again in %.1f s", why, pause)
            self.subscribed.clear()
            first = False
            self._stopping.wait(pause)

    def _read(self, first: bool) -> None:
        # Named, so an operator (or a test) can tell this connection among Redis's clients.
        client = redis.Redis.from_url(
            self.url,
            client_name=self.name,
            socket_connect_timeout=self.connect_timeout,
            socket_keepalive=True,
            health_check_interval=15,
        )
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(self.channel)
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    self.subscribed.set()
                    if not first:
                        log.info("live events: Redis is back; pages re-sync")
                        again = self.resync("reconnected")
                        self._fan_out(again, again)
                elif message["type"] == "message":
                    self._fan_out_batch(self._drain(pubsub, message))
        finally:
            try:
                pubsub.close()
                client.close()
            except (RedisError, OSError):
                pass  # the connection is gone already
