"""The queue store's Redis layout: key templates, Lua script sources, entry decoding.

Plain Python (no Redis client here): ``redis_store`` runs the scripts; this module says
what the keys are called and how the scripts' flat replies become store values. After the
prefix (``helpline:`` by default), ``%s`` takes a queue, contact or agent id; the Lua
scripts in ``routing/lua`` receive these very templates, so the layout is written once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from routing.model import SMS_PREFIX, TEXT_CAPACITY, Presence
from routing.store import AgentPresence, EntryState, QueueEntry, Reservation

WAITING_KEY = "queue:%s:waiting"  # ZSET order member -> -score: ZRANGE is serving order
ARRIVALS_KEY = "queue:%s:arrivals"  # ZSET contact -> arrival: the longest wait
RESERVED_KEY = "queue:%s:reserved"  # ZSET contact -> end of its sticky reservation
QUEUE_AGENTS_KEY = "queue:%s:agents"  # SET logged-in agents serving the queue
QUEUE_WORKING_KEY = "queue:%s:working"  # ZSET agent at work -> last heartbeat
QUEUE_READY_KEY = "queue:%s:ready"  # SET agents available with no offer pending
STATS_KEY = "stats:%s:%s"  # HASH counters of a queue for one epoch hour
CONTACT_KEY = "contact:%s"  # HASH the entry (a tombstone for an hour once it left)
OFFERED_KEY = "offered"  # ZSET contact -> offered at: pending offers (not accepted yet)
QUEUE_OFFERED_KEY = "queue:%s:offered"  # ZSET contact -> arrival: a queue's pending offers
AGENT_KEY = "agent:%s"  # HASH an agent's presence (and ``offer``, their pending offer)
AGENT_STATE_KEY = "agents:%s"  # SET agents in a presence state
SEEN_KEY = "agents:seen"  # ZSET logged-in agent -> last heartbeat
QUEUES_KEY = "queues"  # SET queue names seen

# An order member is the arrival in microseconds, zero-padded, then the contact id. With
# -score as the sorted-set score, ZRANGE gives the policy's serving order (higher score,
# then earlier arrival, then contact id) and ZRANK + 1 is the position.
ORDER_WIDTH = 16
# The fields of a contact hash that scripts return, in this order (HMGET).
ENTRY_FIELDS = (
    "id", "queue", "score", "arrival", "payload", "state", "agent", "offered_at",
    "res_agent", "res_until", "accepted_at", "declined", "offer_trace",
)  # fmt: skip
TOMBSTONE_SECONDS = 3600
STATS_WINDOW_HOURS = 24
STATS_SECONDS = (STATS_WINDOW_HOURS + 1) * 3600
SCRIPTS = (
    "enqueue", "take_next", "take", "offer", "accept", "decline", "take_back",
    "return_offered", "answer", "remove", "position", "list_waiting", "presence",
    "heartbeat", "expire_agents", "free_agents", "agents_at_work", "release_text",
)  # fmt: skip
# Counters of a stats bucket, named as the QueueStats fields they add up to.
COUNTS = (
    "entered", "answered", "answered_within", "handled", "abandoned", "overflowed", "returned",
)  # fmt: skip
TOTALS = ("speed_of_answer_total", "handle_time_total")

Flat = list[Any]


def lua_constants() -> dict[str, str]:
    """What every script sees as Lua locals (Lua literals): key templates, a few numbers."""
    keys = {name: json.dumps(value) for name, value in globals().items() if name.endswith("_KEY")}
    numbers = {"ORDER_WIDTH": ORDER_WIDTH, "TOMBSTONE_SECONDS": TOMBSTONE_SECONDS}
    numbers["STATS_SECONDS"] = STATS_SECONDS
    numbers["TEXT_CAPACITY"] = TEXT_CAPACITY
    fields = "{" + ", ".join(json.dumps(name) for name in ENTRY_FIELDS) + "}"
    texts = {"SMS_PREFIX": json.dumps(SMS_PREFIX)}
    return keys | {k: str(v) for k, v in numbers.items()} | {"ENTRY_FIELDS": fields} | texts


@cache
def lua_source(name: str) -> str:
    """Script ``name`` from ``routing/lua``, after the constants and ``_lib.lua``."""
    folder = resources.files("routing").joinpath("lua")
    constants = [f"local {name} = {value}" for name, value in lua_constants().items()]
    library = folder.joinpath("_lib.lua").read_text(encoding="utf-8")
    script = folder.joinpath(f"{name}.lua").read_text(encoding="utf-8")
    return "\n".join([*constants, library, script])


def order_member(contact_id: str, arrival: float) -> str:
    """The sorted-set member that orders equal scores by arrival, then contact id."""
    micros = round(arrival * 1_000_000)
    if not 0 <= micros < 10**ORDER_WIDTH:
        raise ValueError(f"arrival {arrival!r} is not an epoch time in seconds")
    return f"{micros:0{ORDER_WIDTH}d}|{contact_id}"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _fields(raw: Flat | Mapping[Any, Any]) -> dict[str, str]:
    """A hash as text, from HGETALL (a dict) or from HGETALL inside Lua (a flat list)."""
    pairs = raw.items() if isinstance(raw, Mapping) else zip(raw[::2], raw[1::2], strict=True)
    return {_text(k): _text(v) for k, v in pairs}


def _row(values: Flat) -> dict[str, str]:
    """An entry returned by a script (the ENTRY_FIELDS values) as a dict of text."""
    return {k: _text(v) for k, v in zip(ENTRY_FIELDS, values, strict=True) if v is not None}


def _entry(fields: Mapping[str, str], now: float) -> QueueEntry:
    until = float(fields.get("res_until", 0))
    reserved = "res_agent" in fields and until > now
    return QueueEntry(
        contact_id=fields["id"],
        queue=fields["queue"],
        score=float(fields["score"]),
        arrival=float(fields["arrival"]),
        payload=json.loads(fields["payload"]),
        state=EntryState(fields["state"]),
        agent_id=fields.get("agent"),
        offered_at=_seconds(fields.get("offered_at")),
        reservation=Reservation(fields["res_agent"], until) if reserved else None,
        accepted_at=_seconds(fields.get("accepted_at")),
        declined=tuple(json.loads(fields.get("declined", "[]"))),
        offer_trace=tuple(json.loads(fields.get("offer_trace", "[]"))),
    )


def _seconds(value: str | None) -> float | None:
    return float(value) if value is not None else None


def _presence(fields: Mapping[str, str]) -> AgentPresence:
    idle = fields.get("idle_since")
    return AgentPresence(
        agent_id=fields["id"],
        state=Presence(fields["state"]),
        since=float(fields["since"]),
        last_seen=float(fields["seen"]),
        queues=tuple(json.loads(fields["queues"])),
        idle_since=float(idle) if idle is not None else None,
        offer=fields.get("offer"),
        texts=int(fields.get("texts", 0)),
    )
