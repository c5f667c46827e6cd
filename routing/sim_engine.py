"""The simulator's engine: the real routing decisions, driven by an event heap on a fake clock.

Four kinds of event, and at one instant they happen in this order: an agent finishes a
contact (and takes the next one), a sticky reservation ends (waiting contacts are offered
again), a contact arrives (and is offered to the best free agent), a caller's patience runs
out (and they hang up, unless answered in the same instant).

The engine keeps one invariant between instants: no free agent may take any waiting
contact. An arrival, a finish and the end of a reservation are the only changes that can
break it, and each one is followed by the routing decision that restores it:
``choose_agent`` for a contact, ``choose_contact`` for an agent who frees up.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from routing.choice import choose_agent, choose_contact
from routing.model import Agent, Contact, CustomerValue, Presence, QueueConfig, WaitingContact
from routing.policy import serving_key, waiting_contact
from routing.sim_model import Arrival, Outcome, SimulationError
from routing.weights import Weights

ServingKey = tuple[float, float, str]


class Event(IntEnum):
    """Event kinds, in the order they are handled at the same instant."""

    FINISH = 0
    WAKE = 1
    ARRIVE = 2
    ABANDON = 3


@dataclass(frozen=True)
class Window:
    """Contacts arriving in [start, end) are measured; end None measures to the last one."""

    start: float
    end: float | None = None

    def measures(self, arrived_at: float) -> bool:
        """Whether a contact that arrived then counts in the figures."""
        return self.start <= arrived_at and (self.end is None or arrived_at < self.end)

    def busy_inside(self, begin: float, finish: float) -> float:
        """Seconds of [begin, finish] inside the window."""
        end = finish if self.end is None else min(finish, self.end)
        return max(0.0, end - max(begin, self.start))


@dataclass(frozen=True)
class RunLog:
    """What one run produced: measured outcomes, busy agent-seconds and when it ended."""

    outcomes: tuple[Outcome, ...]
    busy_seconds: float
    ended_at: float


def run(
    arrivals: Sequence[Arrival],
    agents: Sequence[Agent],
    queues: Sequence[QueueConfig],
    weights: Weights,
    window: Window,
) -> RunLog:
    """Route ``arrivals`` to ``agents`` until every contact is answered or gone."""
    return _Engine(agents, queues, weights, window).run(arrivals)


class _Engine:
    """The mutable state of one run: the clock, events, agents and the waiting contacts."""

    def __init__(
        self,
        agents: Sequence[Agent],
        queues: Sequence[QueueConfig],
        weights: Weights,
        window: Window,
    ) -> None:
        self.weights = weights
        self.window = window
        self.queues = {queue.name: queue for queue in queues}
        self.agents = {agent.id: agent for agent in agents}
        # Ids of agents with a free voice line, in no particular order (choice sorts them).
        self.free = {agent.id for agent in agents if agent.has_capacity}
        self.now = 0.0
        self.events: list[tuple[float, Event, int, str]] = []
        self.sequence = 0
        self.arrivals: dict[str, Arrival] = {}
        self.waiting: list[tuple[ServingKey, WaitingContact]] = []
        self.keys: dict[str, ServingKey] = {}
        self.outcomes: list[Outcome] = []
        self.busy_seconds = 0.0

    def run(self, arrivals: Iterable[Arrival]) -> RunLog:
        """Handle every event in time order; the run ends when none is left."""
        for arrival in arrivals:
            self.arrivals[arrival.id] = arrival
            self.schedule(arrival.arrived_at, Event.ARRIVE, arrival.id)
        while self.events:
            self.now, kind, _, ref = heapq.heappop(self.events)
            self.dispatch(kind, ref)
        if self.waiting:
            raise SimulationError(
                f"{len(self.waiting)} contact(s) left waiting: nobody may take them"
            )
        outcomes = sorted(self.outcomes, key=lambda outcome: (outcome.arrived_at, outcome.id))
        return RunLog(tuple(outcomes), self.busy_seconds, self.now)

    def schedule(self, at: float, kind: Event, ref: str) -> None:
        """Add an event; equal times go by kind, then first scheduled first."""
        self.sequence += 1
        heapq.heappush(self.events, (at, kind, self.sequence, ref))

    def dispatch(self, kind: Event, ref: str) -> None:
        """Dispatch one event to its handler."""
        if kind is Event.ARRIVE:
            self.arrive(self.arrivals[ref])
        elif kind is Event.FINISH:
            self.finish(self.agents[ref])
        elif kind is Event.WAKE:
            self.offer_waiting()
        else:
            self.abandon(ref)

    def arrive(self, arrival: Arrival) -> None:
        """Queue the contact, then offer it to the best free agent (sticky routing first)."""
        entry = waiting_contact(_contact(arrival, self.queues[arrival.queue]), self.weights)
        key = serving_key(entry, self.weights)
        self.keys[arrival.id] = key
        bisect.insort(self.waiting, (key, entry), key=_key)
        if arrival.patience_seconds is not None:
            self.schedule(arrival.arrived_at + arrival.patience_seconds, Event.ABANDON, arrival.id)
        self.offer(entry.contact)

    def offer(self, contact: Contact) -> None:
        """Connect the contact to the agent choose_agent picks, or wake at a reservation's end."""
        last = contact.history.last_agent_id
        if not self.free and last is None:
            # Nobody free and no sticky agent to wait for: choose_agent can only say "wait".
            return
        decision = choose_agent(contact, self.candidates(last), self.now, self.weights)
        if decision.agent is not None:
            self.connect(decision.agent, contact)
        elif decision.reserved_until is not None:
            self.schedule(decision.reserved_until, Event.WAKE, contact.id)

    def candidates(self, last_agent_id: str | None) -> list[Agent]:
        """The free agents and the caller's last agent: all whom choose_agent may pick or await."""
        # Other busy agents would only add "busy" to the trace, and cost time on a big roster.
        ids = self.free | ({last_agent_id} & self.agents.keys() if last_agent_id else set())
        return [self.agents[agent_id] for agent_id in ids]

    def offer_waiting(self) -> None:
        """Offer every waiting contact again, in serving order (a reservation has ended)."""
        for _, entry in list(self.waiting):
            if not self.free:
                return
            self.offer(entry.contact)

    def finish(self, agent: Agent) -> None:
        """The agent is free again and takes the contact choose_contact picks, if any."""
        free = _with(agent, Presence.AVAILABLE, idle_since=self.now)
        self.agents[free.id] = free
        self.free.add(free.id)
        decision = choose_contact(
            free, self.waiting_contacts(), self.agents.values(), self.now, self.weights
        )
        if decision.contact is not None:
            self.connect(free, decision.contact)

    def waiting_contacts(self) -> Iterator[Contact]:
        """Waiting contacts in serving order (lazily: an agent usually takes the first)."""
        return (entry.contact for _, entry in self.waiting)

    def connect(self, agent: Agent, contact: Contact) -> None:
        """The agent answers the contact and is busy for its handle time."""
        self.leave(contact.id, answered=True, agent_id=agent.id)
        busy = _with(agent, Presence.BUSY, idle_since=agent.idle_since)
        self.agents[agent.id] = busy
        self.free.discard(agent.id)
        finish_at = self.now + self.arrivals[contact.id].handle_seconds
        self.busy_seconds += self.window.busy_inside(self.now, finish_at)
        self.schedule(finish_at, Event.FINISH, agent.id)

    def abandon(self, contact_id: str) -> None:
        """The caller hangs up, if still waiting."""
        if contact_id in self.keys:
            self.leave(contact_id, answered=False, agent_id=None)

    def leave(self, contact_id: str, *, answered: bool, agent_id: str | None) -> None:
        """Take the contact out of the queue and record its outcome if it is measured."""
        key = self.keys.pop(contact_id)
        del self.waiting[bisect.bisect_left(self.waiting, key, key=_key)]
        arrival = self.arrivals[contact_id]
        if self.window.measures(arrival.arrived_at):
            self.outcomes.append(_outcome(arrival, self.now, answered, agent_id))


def _with(agent: Agent, presence: Presence, *, idle_since: float) -> Agent:
    """The agent in a new state; busy means on one voice call (dataclasses.replace is slower)."""
    return Agent(
        id=agent.id,
        name=agent.name,
        skills=agent.skills,
        languages=agent.languages,
        presence=presence,
        idle_since=idle_since,
        voice_calls=1 if presence is Presence.BUSY else 0,
    )


def _key(item: tuple[ServingKey, WaitingContact]) -> ServingKey:
    return item[0]


def _contact(arrival: Arrival, queue: QueueConfig) -> Contact:
    """The routing contact for an arrival: the queue's skills and language."""
    return Contact(
        id=arrival.id,
        queue=queue.name,
        skills=queue.skills,
        language=queue.language,
        arrived_at=arrival.arrived_at,
        customer=CustomerValue(tier=arrival.tier, lifetime_value=arrival.lifetime_value),
        history=arrival.history,
    )


def _outcome(arrival: Arrival, now: float, answered: bool, agent_id: str | None) -> Outcome:
    return Outcome(
        id=arrival.id,
        tier=arrival.tier_label,
        queue=arrival.queue,
        arrived_at=arrival.arrived_at,
        waited=now - arrival.arrived_at,
        answered=answered,
        agent_id=agent_id,
    )
