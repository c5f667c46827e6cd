"""Voice calls in the IVR: who is calling, what happened at each step, how the call ended."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import (
    ADDRESS_LENGTH,
    CallStep,
    Case,
    CaseStatus,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    utcnow,
)
from ivr_flows import Caller

# Twilio's final CallStatus values; anything else is a call still in progress.
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
MAX_DETAIL = 200


_CALLER_BY_PHONE = (
    select(
        Customer.id,
        Customer.tier,
        Customer.language,
        Customer.region,
        exists().where(Case.customer_id == Customer.id, Case.status == CaseStatus.OPEN),
    )
    .where(Customer.phone == bindparam("phone"))
    .limit(1)
)
_INTERACTIONS = Interaction.__table__
_INSERT_CALL_PLAIN = insert(_INTERACTIONS).returning(_INTERACTIONS.c.id)
# Where the dialect can, a replayed or racing CallSid inserts nothing and finds its row.
_INSERT_CALL = {
    name: dialect.insert(_INTERACTIONS)
    .on_conflict_do_nothing(index_elements=["twilio_sid"])
    .returning(_INTERACTIONS.c.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_STEPS = CallStep.__table__
_INSERT_STEP_PLAIN = insert(_STEPS)
# A replayed webhook's events are already there: they insert nothing.
_INSERT_STEP = {
    name: dialect.insert(_STEPS).on_conflict_do_nothing(
        index_elements=["interaction_id", "step", "seq"]
    )
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_INTERACTION_BY_SID = select(Interaction.id).where(Interaction.twilio_sid == bindparam("sid"))


def identify(session: Session, phone: str) -> tuple[int | None, Caller]:
    """The customer calling from ``phone`` (E.164) and what a flow may know of them.

    One indexed read: the IVR asks it on every new call.
    """
    phone = phone.strip()
    if not phone:
        return None, Caller()
    row = session.connection().execute(_CALLER_BY_PHONE, {"phone": phone}).first()
    if row is None:
        return None, Caller()
    customer_id, tier, language, region, has_open_case = row
    caller = Caller(
        known=True,
        tier=tier.value,
        language=language,
        region=region,
        has_open_case=bool(has_open_case),
    )
    return customer_id, caller


def open_call(
    session: Session,
    call_sid: str,
    from_number: str,
    to_number: str,
    flow_id: str,
    customer_id: int | None,
) -> int:
    """The id of the interaction for ``call_sid``, created on its first webhook.

    A replay, or the same CallSid racing in on another process, finds the one row: the
    insert does nothing on a conflict with the unique ``twilio_sid``.
    """
    sid = call_sid[:64] or None
    values = {
        "customer_id": customer_id,
        "channel": InteractionChannel.VOICE,
        "direction": Direction.INBOUND,
        "twilio_sid": sid,
        "from_number": from_number[:ADDRESS_LENGTH],
        "to_number": to_number[:ADDRESS_LENGTH],
        "details": {"flow": flow_id},
    }
    connection = session.connection()
    statement = _INSERT_CALL.get(connection.dialect.name)
    if sid is None or statement is None:
        return int(connection.execute(_INSERT_CALL_PLAIN, values).scalar_one())
    created = connection.execute(statement, values).scalar()
    if created is not None:
        return int(created)
    existing = interaction_id_for(session, sid)
    if existing is None:  # deleted between the conflict and the read: never expected
        raise LookupError(f"the interaction of {sid} conflicted but cannot be read")
    return existing


def interaction_id_for(session: Session, call_sid: str) -> int | None:
    """The id of the interaction recorded for a CallSid."""
    if not call_sid:
        return None
    found = session.connection().execute(_INTERACTION_BY_SID, {"sid": call_sid[:64]}).scalar()
    return int(found) if found is not None else None


def interaction_for(session: Session, call_sid: str) -> Interaction | None:
    """The interaction recorded for a CallSid."""
    if not call_sid:
        return None
    return session.scalars(
        select(Interaction).where(Interaction.twilio_sid == call_sid[:64])
    ).first()


def record_steps(
    session: Session,
    interaction_id: int,
    flow_id: str,
    events: Iterable[tuple[str, str, str]],
    step: str,
) -> None:
    """Append ``(node, event, detail)`` events to the call's IVR trail, in one statement.

    ``step`` names the webhook that saw them (``step_key``): the same webhook again, as
    Twilio retries it, adds nothing, on any process.
    """
    now = utcnow()
    rows = [
        {
            "interaction_id": interaction_id,
            "flow_id": flow_id,
            "node_id": node[:64],
            "event": event[:16],
            "detail": detail[:MAX_DETAIL],
            "step": step[:16],
            "seq": seq,
            "at": now,
        }
        for seq, (node, event, detail) in enumerate(events)
    ]
    if rows:
        connection = session.connection()
        connection.execute(_INSERT_STEP.get(connection.dialect.name, _INSERT_STEP_PLAIN), rows)


def step_key(token: str) -> str:
    """The key of one webhook of a call's IVR: a digest of the menu state it came with.

    Every prompt's state is new (it counts the prompts heard), so only a replay brings the
    same state twice; the first webhook, with no state yet, has the key of "".
    """
    return hashlib.blake2b(token.encode("utf-8", "replace"), digest_size=8).hexdigest()


def navigation_only(session: Session) -> None:
    """Let this transaction commit without waiting for the disk (PostgreSQL).

    For menu steps only: a database crash may lose the last fraction of a second of them,
    as SQLite's ``synchronous=NORMAL`` may, but never corrupts anything. Transactions that
    promise a person (a callback task, a place in a queue) keep the full guarantee.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def mark_outcome(interaction: Interaction, outcome: str, queue_name: str = "") -> None:
    """Note how the IVR part of the call ended (human, self_service, fallback ...)."""
    interaction.outcome = outcome[:32]
    if queue_name:
        interaction.details = {**interaction.details, "queue": queue_name}
