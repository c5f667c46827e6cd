"""The queues' estimated wait for a caller who joined now: what a broadcast's load-aware
pacing reads before it sends its next wave (``incidents.load_hold``).

The estimate is the one callers on hold hear (``hold.estimated_wait``): the callers ahead
that no free agent can take, times the queue's average handle time, shared by the agents
at work. A queue nobody waits in counts 0: its lines are not flooded.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.calls import queueing
from app.services.calls.hold import estimated_wait
from routing.model import Presence


@dataclass(frozen=True)
class QueueWait:
    """A queue and the estimated wait, in seconds, of a caller joining it now."""

    queue: str
    seconds: float


def longest_estimated_wait() -> QueueWait | None:
    """The queue with the longest estimated wait now; None when nobody waits anywhere.
    Redis errors are the caller's to handle."""
    store = queueing.store()
    longest: QueueWait | None = None
    for name in store.queue_names():
        stats = store.stats(name, hours=1)
        if stats.waiting <= 0:
            continue
        free = int(stats.agents.get(Presence.AVAILABLE.value, 0))
        ahead = max(0, stats.waiting + 1 - free)
        seconds = estimated_wait(name, ahead, store.agents_at_work(name))
        if longest is None or seconds > longest.seconds:
            longest = QueueWait(name, seconds)
    return longest
