"""Recorded calls turned into the simulator's arrivals: the what-if's replay of recent days.

Pure: plain records in (``CallRecord``, ``EarlierContact``, ``CaseSpan``), arrivals out.
How a record maps to an arrival:

- ``arrived_at``: when the call started (``started_at``);
- queue, tier and lifetime value: the call's queue and its customer's (no customer: no tier);
- history: the caller's other contacts of the 7 days before, and the cases open then, as
  ``app.services.calls.routing_data`` would have seen them;
- ``handle_seconds``: from answer to wrap-up (``answered_at`` to ``wrapped_up.at`` in the
  details), else from answer to the end of the call; unknown, the mean of the queue's known
  handle times in the recording, else a stated default;
- ``patience_seconds``: for a caller who left unanswered, how long they waited in the queue
  (from ``routing.arrived_at`` in the details, else from the start, to the end); else none.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Any

from routing.model import SECONDS_PER_DAY, History
from routing.sim_model import Arrival

ANSWERED = ("answered", "handled")
# A handle time past this is a record that lost its end, not a conversation.
LONGEST_HANDLE_SECONDS = 4 * 3600.0
HISTORY_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class CallRecord:
    """One queued call as the interactions table holds it, with its queue and customer."""

    id: int
    started_at: datetime
    queue: str
    ended_at: datetime | None = None
    customer_id: int | None = None
    tier: str | None = None
    lifetime_value: float = 0.0
    outcome: str = ""
    agent_id: int | None = None
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class EarlierContact:
    """Any contact of a known customer (a call, a text ...), as history counts it."""

    id: int
    customer_id: int
    started_at: datetime
    outcome: str = ""
    agent_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CaseSpan:
    """When one of a customer's cases was open."""

    id: int
    customer_id: int
    opened_at: datetime
    closed_at: datetime | None = None


def to_arrivals(
    records: Sequence[CallRecord],
    *,
    default_handle_seconds: float,
    contacts: Iterable[EarlierContact] = (),
    cases: Iterable[CaseSpan] = (),
) -> tuple[Arrival, ...]:
    """The records as arrivals, in order of arrival (mapping in the module docstring)."""
    fallback = queue_handle_means(records)
    history = _HistoryIndex(contacts, cases)
    arrivals = [
        Arrival(
            id=f"interaction-{record.id}",
            arrived_at=record.started_at.timestamp(),
            handle_seconds=handle_seconds(record)
            or fallback.get(record.queue, default_handle_seconds),
            queue=record.queue,
            tier=record.tier if record.customer_id is not None else None,
            lifetime_value=record.lifetime_value,
            history=history.at(record),
            patience_seconds=patience_seconds(record),
        )
        for record in records
    ]
    return tuple(sorted(arrivals, key=lambda arrival: (arrival.arrived_at, arrival.id)))


def handle_seconds(record: CallRecord) -> float | None:
    """Seconds an agent spent on the call, from answer to wrap-up or hang-up; None unknown."""
    details = record.details or {}
    answered_at = _number(details.get("answered_at"))
    if answered_at is None:
        return None
    wrapped = details.get("wrapped_up")
    end = _number(wrapped.get("at")) if isinstance(wrapped, Mapping) else None
    if end is None and record.ended_at is not None:
        end = record.ended_at.timestamp()
    if end is None or not 0 < end - answered_at <= LONGEST_HANDLE_SECONDS:
        return None
    return end - answered_at


def patience_seconds(record: CallRecord) -> float | None:
    """How long a caller who left unanswered waited in the queue; None if answered or unknown."""
    if record.outcome in ANSWERED or record.ended_at is None:
        return None
    start = record.started_at.timestamp()
    end = record.ended_at.timestamp()
    routing = (record.details or {}).get("routing")
    queued = _number(routing.get("arrived_at")) if isinstance(routing, Mapping) else None
    # The queue's clock is trusted only when it falls inside the call.
    if queued is not None and start <= queued <= end:
        start = queued
    waited = end - start
    return waited if waited > 0 else None


def queue_handle_means(records: Iterable[CallRecord]) -> dict[str, float]:
    """Each queue's mean known handle time in the recording."""
    known: dict[str, list[float]] = defaultdict(list)
    for record in records:
        seconds = handle_seconds(record)
        if seconds is not None:
            known[record.queue].append(seconds)
    return {queue: fmean(times) for queue, times in known.items()}


def busiest_hour_agents(records: Iterable[CallRecord]) -> int:
    """The most distinct agents who answered calls within one clock hour; 0 if none did."""
    hours: dict[int, set[int]] = defaultdict(set)
    for record in records:
        if record.agent_id is not None and record.outcome in ANSWERED:
            hours[int(record.started_at.timestamp() // 3600)].add(record.agent_id)
    return max((len(agents) for agents in hours.values()), default=0)


class _HistoryIndex:
    """Each customer's contacts and cases by time, to answer ``History`` at any moment."""

    def __init__(self, contacts: Iterable[EarlierContact], cases: Iterable[CaseSpan]) -> None:
        self.contacts: dict[int, list[EarlierContact]] = defaultdict(list)
        for contact in sorted(contacts, key=lambda c: (c.started_at, c.id)):
            self.contacts[contact.customer_id].append(contact)
        self.times = {
            customer: [c.started_at.timestamp() for c in found]
            for customer, found in self.contacts.items()
        }
        self.cases: dict[int, list[CaseSpan]] = defaultdict(list)
        for case in cases:
            self.cases[case.customer_id].append(case)

    def at(self, record: CallRecord) -> History:
        """The caller's history as routing saw it when the call came in."""
        if record.customer_id is None:
            return History()
        now = record.started_at.timestamp()
        times = self.times.get(record.customer_id, [])
        first = bisect.bisect_left(times, now - HISTORY_DAYS * SECONDS_PER_DAY)
        last = bisect.bisect_left(times, now)
        found = self.contacts.get(record.customer_id, [])[first:last]
        earlier = [c for c in reversed(found) if c.id != record.id]
        with_agent = next((c for c in earlier if c.agent_id is not None), None)
        return History(
            contacts_24h=sum(now - c.started_at.timestamp() <= SECONDS_PER_DAY for c in earlier),
            contacts_7d=len(earlier),
            open_cases=self._open_cases(record.customer_id, record.started_at),
            last_outcome=(earlier[0].outcome or None) if earlier else None,
            last_agent_id=str(with_agent.agent_id) if with_agent else None,
            last_contact_at=with_agent.started_at.timestamp() if with_agent else None,
        )

    def _open_cases(self, customer_id: int, moment: datetime) -> tuple[int, ...]:
        return tuple(
            sorted(
                case.id
                for case in self.cases.get(customer_id, [])
                if case.opened_at <= moment and (case.closed_at is None or case.closed_at > moment)
            )
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
