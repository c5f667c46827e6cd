"""The contact an agent has accepted and not wrapped up yet: one per agent, kept in Redis.

Accepting writes it; wrapping up (or closing the task) forgets it. In between, it is what
the console shows as "my contact", and a wrap-up is owed: the agent takes no other contact
and cannot make themselves available. The queue store decides whether the contact is still
theirs: one put back in line (the agent missed it, the caller hung up while it rang, a
callback left undialed) stops being theirs, and nothing is owed for it. A contact the agent
transferred stays theirs to wrap up, as Flex has the transferring agent wrap up.
"""

from __future__ import annotations

import json
from typing import Any

from app.extensions import redis_store
from app.services.calls import queueing
from routing.store import EntryState, QueueEntry

KEY = "helpline:desk:%s:contact"  # HASH contact_id, accepted_at, record (JSON), transferred
KEEP_SECONDS = 7 * 24 * 3600  # a record nobody wraps up does not stay for ever
# Forget the record only if it still names this contact: one Redis step, no race.
_FORGET = """
if redis.call('HGET', KEYS[1], 'contact_id') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
# Entry states in which an accepted contact is still its agent's: being connected or
# decided (offered, accepted), or talked to (answered).
MINE = (EntryState.OFFERED, EntryState.ANSWERED)


def remember(agent_id: str, entry: QueueEntry) -> None:
    """The agent accepted ``entry``: it is their contact until they wrap it up."""
    record = {
        "contact_id": entry.contact_id,
        "kind": entry.payload.get("kind", "call"),
        "queue": entry.queue,
        "accepted_at": entry.accepted_at,
        "trace": list(entry.payload.get("trace", [])),
        "offer_trace": list(entry.offer_trace),
        "customer_id": entry.payload.get("customer_id"),
        "interaction_id": entry.payload.get("interaction_id"),
        "language": entry.payload.get("language", "en"),
    }
    key = KEY % agent_id
    pipe = redis_store.client.pipeline()  # MULTI: the old record goes as the new one comes
    pipe.delete(key)
    pipe.hset(key, mapping={"contact_id": entry.contact_id, "record": json.dumps(record)})
    pipe.expire(key, KEEP_SECONDS)
    pipe.execute()


def current(agent_id: str) -> dict[str, Any] | None:
    """The agent's contact, if it is still theirs to wrap up; with ``transferred`` if they
    transferred it."""
    fields = redis_store.client.hgetall(KEY % agent_id)
    if not fields:
        return None
    values = {_text(k): _text(v) for k, v in fields.items()}
    record: dict[str, Any] = json.loads(values["record"])
    record["transferred"] = json.loads(values["transferred"]) if "transferred" in values else None
    if record["transferred"] is None and not _still_theirs(agent_id, record):
        forget(agent_id, record["contact_id"])
        return None
    return record


def owed(agent_id: str) -> str | None:
    """The contact whose wrap-up the agent owes, if any."""
    record = current(agent_id)
    return str(record["contact_id"]) if record is not None else None


def transferred(agent_id: str, contact_id: str) -> dict[str, Any] | None:
    """Where the agent transferred ``contact_id``, if it is their transferred contact."""
    record = current(agent_id)
    if record is None or record["contact_id"] != contact_id:
        return None
    found: dict[str, Any] | None = record["transferred"]
    return found


def mark_transferred(agent_id: str, contact_id: str, target: dict[str, Any]) -> None:
    """The agent sent ``contact_id`` on to ``target``: theirs to wrap up, nothing more."""
    key = KEY % agent_id
    if _text(redis_store.client.hget(key, "contact_id") or b"") == contact_id:
        redis_store.client.hset(key, "transferred", json.dumps(target))


def forget(agent_id: str, contact_id: str) -> None:
    """The agent wrapped ``contact_id`` up (or it stopped being theirs)."""
    redis_store.client.eval(_FORGET, 1, KEY % agent_id, contact_id)


def _still_theirs(agent_id: str, record: dict[str, Any]) -> bool:
    """Whether the store still has the contact with this agent, as they accepted it; once
    the store has forgotten it (an hour after the call), the record is believed."""
    entry = queueing.store().entry(str(record["contact_id"]))
    if entry is None:
        return True
    return (
        entry.state in MINE
        and entry.agent_id == agent_id
        and entry.accepted_at == record["accepted_at"]
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
