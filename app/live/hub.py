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
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
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


def read_event(text: str) -> tuple[dict[str, Any] | None, str]:
    """An event's fields (None if it is not a JSON object), and what it says changed
    without when: two alike are one change for a page."""
    try:
        fields = json.loads(text)
    except ValueError:
        return None, text
    if not isinstance(fields, dict):
        return None, text
    change = json.dumps({k: v for k, v in fields.items() if k != "at"}, sort_keys=True)
    return fields, change


def change_of(text: str) -> str:
    """What an event says changed, without when."""
    return read_event(text)[1]


@dataclass(frozen=True)
class Event:
    """One server-sent event: its id, its JSON data, its fields, and what it says changed
    (the data without its time); read once by the hub, not by each stream."""

    id: str
    data: str
    change: str = ""
    fields: dict[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.change:
            fields, change = read_event(self.data)
            object.__setattr__(self, "change", change)
            object.__setattr__(self, "fields", fields)

    @property
    def queue(self) -> str | None:
        """The queue the event is about, if any."""
        queue = (self.fields or {}).get("queue")
        return queue if isinstance(queue, str) and queue else None


@dataclass(frozen=True)
class Watcher:
    """Whose page a stream feeds. An agent's console (``agent`` set) hears of itself and of
    the queues it serves, and no more: a change in one of those queues that is not about
    the agent reaches it as the queue's new line, pushed, instead of an event that would
    make a hundred pages read their desks at once. Anyone else hears of everything."""

    agent: str | None = None
    queues: frozenset[str] = frozenset()

    def wants(self, event: Event) -> bool:
        """Whether the page is sent ``event``: a console, its own events and its queues'
        lines, but not the changes those lines stand for; anyone else, every change."""
        kind = (event.fields or {}).get("kind")
        if self.agent is None:
            return kind != "line"  # the floor re-reads its figures; lines are for consoles
        if kind == "line":
            return event.queue in self.queues
        if event.fields is None or self._mine(event):
            return True
        if kind in LINE_KINDS or kind == "agent":
            return False  # the queue's line tells; another agent's presence is not shown
        return event.queue is None or event.queue in self.queues

    def _mine(self, event: Event) -> bool:
        about = (event.fields or {}).get("agent")
        return about is not None and str(about) == self.agent


EVERYONE = Watcher()
# Events a console learns of from the queue's line alone, when they are not about its agent.
LINE_KINDS = frozenset({"queue", "offer"})
LINE_EVERY = 0.25  # seconds: a queue's line is read and sent at most this often per process


class Stream:
    """The events waiting for one open stream; filled by the hub, drained by its request."""

    def __init__(self, backlog: int = STREAM_BACKLOG, watcher: Watcher = EVERYONE) -> None:
        self.watcher = watcher
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

    def __init__(
        self,
        url: str,
        channel: str,
        most: int,
        connect_timeout: float = 2.0,
        line_reader: Callable[[str], dict[str, Any]] | None = None,
        line_every: float = LINE_EVERY,
    ) -> None:
        self.url = url
        # Reads one queue's line as consoles show it (None: no lines are sent).
        self.line_reader = line_reader
        self.line_every = line_every
        self._changed_lines: set[str] = set()  # queues changed since their lines were sent
        self._next_lines = 0.0  # monotonic time the next lines may be read
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

    def open(self, watcher: Watcher = EVERYONE) -> Stream | None:
        """A new stream for ``watcher``'s page, or None if ``most`` are open already."""
        with self._lock:
            if len(self._streams) >= self.most:
                return None
            stream = Stream(watcher=watcher)
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

    def event(self, data: str, read: tuple[dict[str, Any] | None, str] | None = None) -> Event:
        """``data`` as this hub's next event (``read``: its fields and change, if known)."""
        if read is None:
            return Event(f"{self.name}.{next(self._ids)}", data)
        return Event(f"{self.name}.{next(self._ids)}", data, read[1], read[0])

    def resync(self, why: str) -> Event:
        """An event telling a page to re-fetch everything, as it may have missed events."""
        return self.event(json.dumps({"kind": "hello", "resync": True, "why": why}))

    def send_lines(self) -> float | None:
        """Read the lines of the queues that changed and send each to the consoles serving
        it, at most every ``line_every`` seconds however many changes and consoles there
        are; the seconds until lines may be read again, None if none wait. (The hub's
        thread calls it; a test may too.)"""
        if not self._changed_lines or self.line_reader is None:
            self._changed_lines.clear()
            return None
        now = time.monotonic()
        if now < self._next_lines:
            return self._next_lines - now
        queues, self._changed_lines = sorted(self._changed_lines), set()
        self._next_lines = now + self.line_every
        for queue in queues:
            try:
                line = json.dumps(self.line_reader(queue))
            except Exception as exc:  # the consoles read their desks on the next event
                log.warning("live: the line of %s not read (%s)", queue, type(exc).__name__)
                continue
            data = f'{{"kind": "line", "queue": {json.dumps(queue)}, "line": {line}}}'
            event = Event(f"{self.name}.{next(self._ids)}", data, f"line:{queue}")
            object.__setattr__(event, "fields", {"kind": "line", "queue": queue})
            self._fan_out(event, self.resync("too far behind"))
        return None

    def _fan_out(self, event: Event, resync: Event) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            if event is resync or stream.watcher.wants(event):
                stream.put(event, resync)

    def _drain(self, pubsub: Any, first: dict[str, Any]) -> list[Event]:
        """The message just read and those already waiting behind it, each change once.

        Under load (hundreds of calls a second) one change follows another; a page only
        needs to hear that something changed, so each distinct change is fanned out once per
        batch, not once per call.
        """
        distinct: dict[str, tuple[str, tuple[dict[str, Any] | None, str]]] = {}
        message: dict[str, Any] | None = first
        while message is not None and len(distinct) < DRAIN_MOST:
            if message["type"] == "message":
                text = _text(message["data"])
                read = read_event(text)
                distinct[read[1]] = (text, read)
            message = pubsub.get_message(timeout=0)
        return [self.event(text, read) for text, read in distinct.values()]

    def _fan_out_batch(self, events: list[Event]) -> None:
        behind = self.resync("too far behind")
        for event in events:
            if event.queue is not None and event.fields and event.fields.get("kind") in LINE_KINDS:
                self._changed_lines.add(event.queue)
            self._fan_out(event, behind)

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
                wait = self.send_lines()
                message = pubsub.get_message(timeout=1.0 if wait is None else wait)
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
