"""Sending a broadcast's texts: nothing lost, nothing sent twice, at the shared rate.

A worker claims a chunk of pending deliveries (about a second's worth: ``claimed``, with
its name and the time, in one statement; PostgreSQL's ``SKIP LOCKED`` keeps two workers
off the same rows), renders and keeps each text on its row, skips the numbers that opted
out since the plan, sends the rest one by one at its turn of the shared bucket
(``pacing``), and records the chunk's outcomes (Twilio's MessageSids) in one commit. A
claim with no SID older than ``STALE_SECONDS`` belongs to a worker that died: before it is
sent again, Twilio's Messages list is asked whether its kept text went out (to that
number, from ours, created after the claim); if it did, its SID is recorded, else the
delivery is pending again. The one window left: Twilio took the message but does not list
it yet when the claim is recovered (it lists a message once it answers the create; a claim
is recovered a minute later), or the worker died inside Twilio's own request.

Errors: 429 / 20429 and 5xx are tried again with backoff and jitter, up to
``MOST_ATTEMPTS``; 21610 (the number opted out with the carrier) records an opt-out and
fails the delivery; 21211, 21614 and other 4xx fail it at once.

A voice broadcast goes the same way with calls (``broadcast_calls``): its own rate
(``BROADCAST_CPS``, its own bucket), the voice version kept on the row, the Calls list
asked on recovery.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select, true, update
from sqlalchemy.orm import Session, selectinload
from twilio.base.exceptions import TwilioRestException

from app.extensions import redis_store
from app.models import (
    Broadcast,
    BroadcastChannel,
    BroadcastState,
    Channel,
    Customer,
    Delivery,
    DeliveryState,
    utcnow,
)
from app.services.broadcasts import broadcast_calls, quiet_hours
from app.services.broadcasts.audience import latest_choice
from app.services.broadcasts.pacing import CALLS_KEY, KEY, Bucket
from app.services.incidents import subscriptions
from app.services.incidents.lifecycle import get
from app.services.scripts import scripts
from app.services.texting import numbers
from app.twilio.gateway import twilio_gateway

log = logging.getLogger(__name__)

STALE_SECONDS = 60.0
MOST_ATTEMPTS = 5
MOST_CLAIMED = 50
RETRY_BASE_SECONDS = 0.5
RETRY_MOST_SECONDS = 20.0
PERMANENT = {21610, 21211, 21614, 21612, 21408, 21606}
STATE_KEY = "helpline:broadcast:{}:state"
_TABLE = Delivery.__table__
_RECORD = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("row"),
        _TABLE.c.claimed_by == bindparam("me"),
        _TABLE.c.state == DeliveryState.CLAIMED.value,
    )
    .values(
        state=bindparam("new"),
        sid=bindparam("sid"),
        error_code=bindparam("code"),
        sent_at=bindparam("sent"),
        updated_at=bindparam("now"),
    )
)
_KEEP_BODY = (
    update(Delivery.__table__)
    .where(Delivery.__table__.c.id == bindparam("row"))
    .values(body=bindparam("text"))
)


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds: whom to text, and (once rendered) what."""

    id: int
    phone: str
    language: str
    customer_id: int | None = None
    timezone: str = "UTC"
    body: str = ""


def state_of(broadcast_id: int) -> str:
    """The broadcast's state as the workers see it (within a second of a change)."""
    found = redis_store.client.get(STATE_KEY.format(broadcast_id))
    return found.decode() if isinstance(found, bytes) else str(found or "")


def set_state(broadcast_id: int, state: BroadcastState) -> None:
    """Tell the workers (they look before every text)."""
    redis_store.client.set(STATE_KEY.format(broadcast_id), state.value, ex=30 * 24 * 3600)


def bucket_for(broadcast: Broadcast) -> Bucket:
    """The shared bucket the broadcast sends at: texts at ``BROADCAST_MPS``, calls at
    ``BROADCAST_CPS`` (Twilio limits the two apart)."""
    if broadcast.channel is BroadcastChannel.VOICE:
        return Bucket(redis_store.client, float(current_app.config["BROADCAST_CPS"]), CALLS_KEY)
    return Bucket(redis_store.client, float(current_app.config["BROADCAST_MPS"]), KEY)


def chunk_size(rate: float) -> int:
    """Claims per round: about a second of sending at the rate (all at once: no limit)."""
    return MOST_CLAIMED if rate <= 0 else max(1, min(MOST_CLAIMED, int(rate)))


def claim(
    session: Session, broadcast_id: int, worker: str, count: int, wave: int | None = None
) -> list[Claimed]:
    """Claim up to ``count`` pending deliveries, platinum wave first (of ``wave`` only,
    if given: ``load_hold``); commits."""
    now = utcnow()
    chosen = (
        select(Delivery.id)
        .where(
            Delivery.broadcast_id == broadcast_id,
            Delivery.state == DeliveryState.PENDING,
            or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
            true() if wave is None else Delivery.wave == wave,
        )
        .order_by(Delivery.wave, Delivery.id)
        .limit(count)
        .with_for_update(skip_locked=True)
        # Materialized: PostgreSQL may run an ``IN (... LIMIT ... SKIP LOCKED)`` subquery
        # more than once, each run skipping what the last locked, and claim more than asked.
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    rows = session.execute(
        update(Delivery)
        .where(Delivery.id == chosen.c.id, Delivery.state == DeliveryState.PENDING)
        .values(
            state=DeliveryState.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            attempts=Delivery.attempts + 1,
            updated_at=now,
        )
        .returning(
            Delivery.id,
            Delivery.phone,
            Delivery.language,
            Delivery.customer_id,
            Delivery.timezone,
        ),
        execution_options={"synchronize_session": False},
    ).all()
    session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def render(
    session: Session, broadcast: Broadcast, claimed: list[Claimed], worker: str
) -> list[Claimed]:
    """Each claimed delivery's text (or what its call says), rendered for its recipient
    from the incident as it is now, and kept on its row (a recovery looks for exactly that
    text; a call's webhook says it); one commit.
    A recipient the script cannot be rendered for fails (and is logged), never a crash."""
    from app.services.broadcasts.broadcasts import recipient_of, script_of  # no cycle

    incident = get(session, broadcast.incident_id)
    script = script_of(broadcast)
    eta = str((broadcast.options or {}).get("eta") or "")
    ids = [c.customer_id for c in claimed if c.customer_id is not None]
    customers = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.id.in_(ids)).options(selectinload(Customer.accounts))
        )
    }
    ready, bodies = [], []
    quiet = bool((broadcast.options or {}).get("quiet_hours"))
    by_call = broadcast.channel is BroadcastChannel.VOICE
    now = utcnow()
    for one in claimed:
        wakes = quiet_hours.wakes_at(one.timezone, now) if quiet else None
        if wakes is not None:  # night where they are: it waits, it is not dropped
            _defer(session, one, worker, wakes)
            continue
        who = recipient_of(incident, customers.get(one.customer_id or 0), one.language, eta)
        try:
            body = scripts.render_voice(script, who) if by_call else scripts.render_sms(script, who)
        except scripts.ScriptError as error:
            log.error(
                "broadcast %s: delivery %s cannot be rendered: %s", broadcast.id, one.id, error
            )
            _finish(session, one, worker, DeliveryState.FAILED)
            continue
        ready.append(replace(one, body=body))
        bodies.append({"row": one.id, "text": body})
    if bodies:
        session.execute(_KEEP_BODY, bodies)
    session.commit()
    return ready


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed delivery, to be recorded (``record``)."""

    id: int
    state: DeliveryState
    sid: str | None = None
    error_code: int | None = None


class Holder:
    """Keeps a worker's claims fresh while it works through them (and while it waits for
    its turn in the bucket or between retries), so that no live worker's claim ever looks
    stale; ``held`` is what it still holds (a claim recovered meanwhile is not sent)."""

    def __init__(self, session: Session, broadcast_id: int, worker: str, held: set[int]) -> None:
        self.session, self.broadcast_id, self.worker = session, broadcast_id, worker
        self.held = set(held)
        self.every = stale_seconds() / 4
        self.refreshed = time.monotonic()

    def refresh_if_due(self) -> None:
        """Move the claims' time on, once every quarter of the stale time; commits."""
        if time.monotonic() - self.refreshed < self.every or not self.held:
            return
        still = self.session.scalars(
            update(Delivery)
            .where(
                Delivery.id.in_(self.held),
                Delivery.claimed_by == self.worker,
                Delivery.state == DeliveryState.CLAIMED,
            )
            .values(claimed_at=utcnow())
            .returning(Delivery.id),
            execution_options={"synchronize_session": False},
        ).all()
        self.session.commit()
        self.held = set(still)
        self.refreshed = time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Wait, refreshing the claims as it goes."""
        ends = time.monotonic() + seconds
        while (left := ends - time.monotonic()) > 0:
            time.sleep(min(left, self.every))
            self.refresh_if_due()


def refused(session: Session, phones: list[str], channel: str = Channel.SMS.value) -> set[str]:
    """The numbers among ``phones`` that may not be texted (or called) now: opted out on
    the channel since the plan, or called invalid by Twilio; one query for a whole chunk."""
    if not phones:
        return set()
    choice = latest_choice(Channel(channel))
    rows = session.scalars(
        select(Customer.phone).where(
            Customer.phone.in_(phones),
            or_(Customer.phone_invalid_at.is_not(None), choice.is_(False)),
        )
    )
    return set(rows)


def send_claimed(
    session: Session,
    broadcast: Broadcast,
    claimed: Claimed,
    bucket: Bucket,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send one claimed delivery (a text, or a call): what became of it (recorded later,
    with its chunk: a worker that dies first leaves a claim the recovery finds at Twilio)."""
    body, our_number = claimed.body, current_app.config["TWILIO_NUMBER"]
    by_call = broadcast.channel is BroadcastChannel.VOICE
    for attempt in range(1, MOST_ATTEMPTS + 1):
        _wait_for_a_slot(bucket, sleep)
        try:
            if by_call:
                sid = broadcast_calls.place(claimed.id, claimed.phone, claimed.language)
            else:
                sid = twilio_gateway.send_sms(claimed.phone, body, our_number, receipts_url())
        except TwilioRestException as error:
            code = int(error.code) if error.code else None
            if by_call and (code in broadcast_calls.PERMANENT or _permanent(error)):
                broadcast_calls.refused(session, claimed.phone, code)
                return Outcome(claimed.id, DeliveryState.FAILED, error_code=code)
            if _permanent(error):
                if code is not None:
                    numbers.carrier_refused(session, claimed.phone, code)
                if code == numbers.UNSUBSCRIBED_CODE:
                    subscriptions.end_for_number(session, claimed.phone)
                return Outcome(claimed.id, DeliveryState.FAILED, error_code=code)
            if attempt == MOST_ATTEMPTS:
                return Outcome(claimed.id, DeliveryState.FAILED, error_code=code)
            sleep(_backoff(attempt))
            continue
        return Outcome(claimed.id, DeliveryState.SENT, sid=sid)
    raise AssertionError("unreachable")


def _wait_for_a_slot(bucket: Bucket, sleep: Callable[[float], None]) -> None:
    """Wait for this worker's turn; a turn missed by more than half a slot (the worker was
    held up) is given up for a new one, so late sends never bunch with on-time ones."""
    if bucket.rate <= 0:
        return
    half_slot = 0.5 / bucket.rate
    for _ in range(5):
        wait = bucket.reserve()
        due = time.monotonic() + wait
        sleep(wait)
        if time.monotonic() - due <= half_slot:
            return


def record(session: Session, worker: str, outcomes: list[Outcome]) -> None:
    """Record outcomes of this worker's claims in one statement; commits (with any
    opt-outs the sends recorded)."""
    now = utcnow()
    rows = [
        {
            "row": o.id,
            "me": worker,
            "new": o.state.value,
            "sid": o.sid,
            "code": o.error_code,
            "sent": now if o.sid else None,
            "now": now,
        }
        for o in outcomes
    ]
    if rows:
        session.execute(_RECORD, rows)
    session.commit()


def receipts_url() -> str:
    """Where Twilio reports a broadcast text's delivery: ``/sms/status`` under
    ``PUBLIC_BASE_URL`` (a job has no request to name the host); none without it."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return f"{base}/sms/status" if base else ""


def stale_seconds() -> float:
    """How old a claim with no SID must be before its worker counts as dead
    (``BROADCAST_STALE_SECONDS``): well beyond a chunk's sending and Twilio's timeouts."""
    return float(current_app.config.get("BROADCAST_STALE_SECONDS", STALE_SECONDS))


def recover_stale(session: Session, broadcast: Broadcast, older_than: float | None = None) -> int:
    """Claims of workers that died: reconciled with Twilio, then sent or pending again;
    how many were recovered. Commits.

    Each change is a compare-and-set on the claim as it was read (same worker, same
    time): two workers recovering at once, or a claim taken again since, change nothing
    twice, so a delivery someone else claimed and sent is never put back in line."""
    limit = utcnow() - timedelta(seconds=stale_seconds() if older_than is None else older_than)
    stale = session.execute(
        select(
            Delivery.id, Delivery.phone, Delivery.body, Delivery.claimed_by, Delivery.claimed_at
        ).where(
            Delivery.broadcast_id == broadcast.id,
            Delivery.state == DeliveryState.CLAIMED,
            Delivery.claimed_at < limit,
        )
    ).all()
    session.rollback()  # no transaction held while Twilio is asked
    recovered = 0
    look_up = (
        broadcast_calls.called_already
        if broadcast.channel is BroadcastChannel.VOICE
        else _sent_already
    )
    for row in stale:
        sid = look_up(row.phone, row.body, row.claimed_at, current_app.config["TWILIO_NUMBER"])
        changed = session.execute(
            update(Delivery)
            .where(
                Delivery.id == row.id,
                Delivery.state == DeliveryState.CLAIMED,
                Delivery.claimed_by == row.claimed_by,
                Delivery.claimed_at == row.claimed_at,
            )
            .values(
                state=DeliveryState.SENT if sid else DeliveryState.PENDING,
                sid=sid,
                claimed_by=None,
                sent_at=row.claimed_at if sid else None,
                updated_at=utcnow(),
            ),
            execution_options={"synchronize_session": False},
        ).rowcount
        session.commit()
        if changed:
            recovered += 1
            log.warning(
                "broadcast %s: delivery %s claimed by a worker that stopped: %s",
                broadcast.id,
                row.id,
                "it was sent" if sid else "sending it again",
            )
    return recovered


def _sent_already(
    phone: str, body: str | None, claimed_at: datetime | None, our_number: str
) -> str | None:
    """The SID of the text Twilio has for this delivery, if the claim's worker sent it.
    (A claim whose text was never rendered was never sent.)"""
    if not body:
        return None
    since = (claimed_at or utcnow()) - timedelta(seconds=5)  # Twilio's clock and ours differ
    found = twilio_gateway.client.messages.list(to=phone, from_=our_number, limit=20)
    for message in found:
        created = message.date_created
        if message.body == body and isinstance(created, datetime) and created >= since:
            return str(message.sid)
    return None


def _defer(session: Session, claimed: Claimed, worker: str, until: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == claimed.id, Delivery.claimed_by == worker)
        .values(state=DeliveryState.PENDING, claimed_by=None, not_before=until),
        execution_options={"synchronize_session": False},
    )


def _finish(
    session: Session,
    claimed: Claimed,
    worker: str,
    state: DeliveryState,
    sid: str | None = None,
    error_code: int | None = None,
) -> DeliveryState:
    """Record the delivery's outcome, if this worker still holds it; commits."""
    now = utcnow()
    values: dict[str, object] = {"state": state, "updated_at": now, "error_code": error_code}
    if state is DeliveryState.PENDING:
        values["claimed_by"] = None
    if sid is not None:
        values.update(sid=sid, sent_at=now)
    session.execute(
        update(Delivery)
        .where(
            Delivery.id == claimed.id,
            Delivery.claimed_by == worker,
            Delivery.state == DeliveryState.CLAIMED,
        )
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return state


def _permanent(error: TwilioRestException) -> bool:
    code = int(error.code) if error.code else None
    if code in PERMANENT:
        return True
    status = int(error.status or 0)
    return 400 <= status < 500 and status != 429 and code != 20429


def _backoff(attempt: int) -> float:
    """Seconds before try ``attempt + 1``: doubling, with full jitter."""
    return random.uniform(0, min(RETRY_MOST_SECONDS, RETRY_BASE_SECONDS * 2**attempt))
