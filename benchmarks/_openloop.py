"""An open-loop load generator: many calls, each sending its next webhook on a fixed schedule.

Call slot ``i`` of ``calls`` sends at ``start + i / rate``, then every ``calls / rate``
seconds, whether or not the server has kept up: the rate is set by the clock, not by the
answers. Latency runs from the scheduled send time, so a late send (the server or the
generator fell behind) counts against the figure instead of hiding (no coordinated
omission). Each call's next request depends on its last answer, so a slot whose answer is
still missing at its next turn waits for it, and that wait is in the next latency too.
Raw HTTP/1.1 over a new TCP connection per request, as Twilio's webhooks arrive.

A helper: ``ivr.py`` runs it against the project and the bare baseline alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from _load import HttpRequest, percentile

TIMEOUT = 10.0


class Call(Protocol):
    """A call the generator drives: its first request, then one per answer until done."""

    def first(self) -> HttpRequest:
        """The call's first webhook."""
        ...

    def follow(self, status: int, body: bytes) -> tuple[HttpRequest | None, bool]:
        """The next webhook (None: the call is over) and whether the answer was right."""
        ...


@dataclass
class OpenLoopResult:
    """What happened to the requests scheduled inside the measured window."""

    scheduled: int
    seconds: float
    warmup: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # sorted, completed requests only
    # Sorted: how late requests left when their slot was ready on time (the generator's lag).
    send_lag_ms: list[float] = field(default_factory=list)
    errors: int = 0  # no answer: refused, reset or timed out
    wrong: int = 0  # an answer, but not the one the call expected
    calls_done: int = 0
    cpu_seconds: float = 0.0  # the generator's own CPU over the whole run

    @property
    def rate(self) -> float:
        """Requests scheduled per second in the window (the offered load)."""
        return self.scheduled / self.seconds if self.seconds else 0.0

    def latency(self, q: float) -> float:
        """The ``q``-th percentile latency in milliseconds."""
        return percentile(self.latencies_ms, q)

    def lag(self, q: float) -> float:
        """The ``q``-th percentile of how late requests left the generator, in ms."""
        return percentile(self.send_lag_ms, q)


class _Window:
    """Collects figures for requests scheduled between ``begin`` and ``end`` (loop time)."""

    def __init__(self, begin: float, end: float, result: OpenLoopResult) -> None:
        self.begin, self.end, self.result = begin, end, result

    def holds(self, scheduled: float) -> bool:
        return self.begin <= scheduled < self.end


async def _exchange(port: int, payload: bytes) -> tuple[int, bytes]:
    """Send one request on a new connection; the status and body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            (
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            ),
            None,
        )
        body = await (reader.readexactly(length) if length is not None else reader.read())
        return status, body
    finally:
        writer.close()


async def _slot(
    port: int,
    first_send: float,
    period: float,
    window: _Window,
    new_call: Callable[[], Call],
    to_wire: Callable[[HttpRequest], bytes],
) -> None:
    """One call after another in one slot, a request every ``period`` seconds."""
    loop = asyncio.get_running_loop()
    result, scheduled = window.result, first_send
    call = new_call()
    request: HttpRequest | None = call.first()
    while scheduled < window.end:
        # A slot still waiting for its last answer at its turn is late because of the server;
        # only a slot that was ready on time measures the generator's own lateness.
        ready = loop.time() <= scheduled
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        counted = window.holds(scheduled)
        result.scheduled += counted
        sent = loop.time()
        try:
            status, body = await asyncio.wait_for(_exchange(port, to_wire(request)), TIMEOUT)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            result.errors += counted
            request = None
        else:
            if counted:
                result.latencies_ms.append((loop.time() - scheduled) * 1000)
            if counted and ready:
                result.send_lag_ms.append((sent - scheduled) * 1000)
            request, right = call.follow(status, body)
            result.wrong += counted and not right
        if request is None:  # over (queued, refused or lost): a new call takes the slot
            result.calls_done += counted
            call = new_call()
            request = call.first()
        scheduled += period


async def _run(
    port: int, rate: float, calls: int, warmup: float, seconds: float, **driver: object
) -> OpenLoopResult:
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2  # every slot is set up before the first send
    window = _Window(start + warmup, start + warmup + seconds, OpenLoopResult(0, seconds, warmup))
    slots = [
        _slot(port, start + i / rate, calls / rate, window, **driver)  # type: ignore[arg-type]
        for i in range(calls)
    ]
    await asyncio.gather(*slots)
    return window.result


def run_open_loop(
    port: int,
    new_call: Callable[[], Call],
    to_wire: Callable[[HttpRequest], bytes],
    *,
    rate: float,
    calls: int,
    warmup: float,
    seconds: float,
) -> OpenLoopResult:
    """Offer ``rate`` requests per second from ``calls`` calls; measure after ``warmup`` s."""
    cpu = time.process_time()
    result = asyncio.run(
        _run(port, rate, calls, warmup, seconds, new_call=new_call, to_wire=to_wire)
    )
    result.cpu_seconds = time.process_time() - cpu
    result.latencies_ms.sort()
    result.send_lag_ms.sort()
    return result
