"""The queue store, telling live pages of each change it makes.

Every change to who waits, who is offered what and who is available goes through the
store, from webhooks, the agent API, the offer sweep and jobs alike: publishing here, after
the change succeeded, leaves none out, and no service has to remember to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.live.publish import Field, send
from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import (
    AgentPresence,
    Answered,
    Enqueued,
    QueueEntry,
    Removal,
    RemovalReason,
    Reservation,
    TakeResult,
)


class PublishingQueueStore(RedisQueueStore):
    """``RedisQueueStore`` that publishes a live event after each change it made."""

    def _tell(self, kind: str, **fields: Field) -> None:
        send(self._client, kind, **fields)

    def _tell_offer(self, what: str, agent_id: str, contact_id: str) -> None:
        # The contact is back in line (or gone): its queue's pages want to know which.
        entry = self.entry(contact_id)
        self._tell("offer", what=what, agent=agent_id, queue=entry.queue if entry else None)

    def enqueue(
        self,
        contact_id: str,
        queue: str,
        *,
        score: float,
        arrival: float,
        payload: Mapping[str, Any] | None = None,
        reservation: Reservation | None = None,
        replace: bool = False,
        staffed: bool = False,
        free_for: Sequence[str] | None = None,
    ) -> Enqueued:
        done = super().enqueue(
            contact_id,
            queue,
            score=score,
            arrival=arrival,
            payload=payload,
            reservation=reservation,
            replace=replace,
            staffed=staffed,
            free_for=free_for,
        )
        if done.created or (replace and done.staffed):
            self._tell("queue", what="enqueued", queue=queue)
        return done

    def remove(self, contact_id: str, reason: RemovalReason) -> Removal | None:
        removal = super().remove(contact_id, reason)
        if removal is not None:
            self._tell("queue", what=removal.reason.value, queue=removal.entry.queue)
        return removal

    def answer(self, contact_id: str, agent_id: str) -> Answered | None:
        answered = super().answer(contact_id, agent_id)
        if answered is not None:
            self._tell("queue", what="answered", queue=answered.entry.queue, agent=agent_id)
        return answered

    def rebuild(self, entries: Iterable[QueueEntry]) -> int:
        entries = list(entries)
        added = super().rebuild(entries)
        for queue in sorted({entry.queue for entry in entries}) if added else ():
            self._tell("queue", what="restored", queue=queue)
        return added

    def take_next(self, agent_id: str, queues: Sequence[str]) -> QueueEntry | None:
        entry = super().take_next(agent_id, queues)
        if entry is not None:
            self._tell("offer", what="offered", agent=agent_id, queue=entry.queue)
        return entry

    def take(self, contact_id: str, agent_id: str) -> TakeResult:
        return self._taken("offered", agent_id, super().take(contact_id, agent_id))

    def offer(self, contact_id: str, agent_id: str, trace: Sequence[str] = ()) -> TakeResult:
        return self._taken("offered", agent_id, super().offer(contact_id, agent_id, trace))

    def accept(
        self,
        agent_id: str,
        queues: Sequence[str],
        contact_id: str | None = None,
        trace: Sequence[str] = (),
    ) -> TakeResult:
        result = super().accept(agent_id, queues, contact_id, trace)
        return self._taken("accepted", agent_id, result)

    def _taken(self, what: str, agent_id: str, result: TakeResult) -> TakeResult:
        if result.ok and result.entry is not None:
            self._tell("offer", what=what, agent=agent_id, queue=result.entry.queue)
        return result

    def decline(self, contact_id: str, agent_id: str) -> bool:
        declined = super().decline(contact_id, agent_id)
        if declined:
            self._tell_offer("declined", agent_id, contact_id)
        return declined

    def take_back(
        self, contact_id: str, agent_id: str, offered_by: float, away: Presence | None = None
    ) -> bool:
        taken = super().take_back(contact_id, agent_id, offered_by, away)
        if taken:
            self._tell_offer("taken back", agent_id, contact_id)
            if away is not None:
                self._tell("agent", what=Presence(away).value, agent=agent_id)
        return taken

    def return_offered(self, contact_id: str, agent_id: str | None = None) -> bool:
        returned = super().return_offered(contact_id, agent_id)
        if returned:
            self._tell_offer("returned", agent_id or "", contact_id)
        return returned

    def set_presence(
        self, agent_id: str, state: Presence, queues: Sequence[str] | None = None
    ) -> AgentPresence:
        live = super().set_presence(agent_id, state, queues)
        self._tell("agent", what=live.state.value, agent=agent_id)
        return live

    def expire_agents(self) -> list[str]:
        gone = super().expire_agents()
        for agent_id in gone:
            self._tell("agent", what=Presence.OFFLINE.value, agent=agent_id)
        return gone
