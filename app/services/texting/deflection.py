"""Deflections: an answer texted instead of a person, and what became of it.

Outcomes: ``solved`` (the texter replied YES), ``asked_person`` (AGENT), ``no_reply``
(neither within ``SMS_DEFLECTION_REPLY_HOURS``), ``false_deflection`` (they contacted us
again, a text or a call from the same number, within 72 hours of the answer: it did not
really help, whatever they replied). The search learns from each but ``no_reply``.

The YES rule: YES is also a carrier opt-in word. A YES from a number with a pending
deflection (in its reply window) and not opted out means "solved", and nothing else: no
consent event (the number is subscribed already). From an opted-out number, or with no
pending deflection, YES is an opt-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from app.models import (
    Deflection,
    DeflectionChannel,
    DeflectionOutcome,
    Interaction,
    InteractionChannel,
    utcnow,
)
from app.services.texting import answers

AGAIN_WITHIN = timedelta(hours=72)
# Outcomes a later contact turns into a false deflection (a person already asked stays so).
OPEN_TO_DOUBT = (DeflectionOutcome.PENDING, DeflectionOutcome.SOLVED, DeflectionOutcome.NO_REPLY)
SETTLE_BATCH = 500
SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Settled:
    """What one settling pass decided."""

    no_reply: int
    false_by_call: int


def reply_window() -> timedelta:
    """How long an answer waits for YES or AGENT."""
    return timedelta(hours=float(current_app.config["SMS_DEFLECTION_REPLY_HOURS"]))


def start(
    session: Session,
    phone: str,
    query_text: str,
    answer: answers.Answer,
    customer_id: int | None = None,
    conversation_id: int | None = None,
    channel: DeflectionChannel = DeflectionChannel.SMS,
) -> Deflection:
    """Record an answer given instead of a person, pending the customer's word."""
    deflection = Deflection(
        channel=channel,
        phone=phone,
        customer_id=customer_id,
        conversation_id=conversation_id,
        query_text=query_text[:2000],
        question_id=answer.question_id,
        score=answer.score,
    )
    session.add(deflection)
    return deflection


def pending_for(session: Session, phone: str, now: datetime) -> Deflection | None:
    """The number's latest deflection still waiting for a reply, within its window."""
    return session.scalars(
        select(Deflection)
        .where(
            Deflection.phone == phone,
            Deflection.outcome == DeflectionOutcome.PENDING,
            Deflection.created_at >= now - reply_window(),
        )
        .order_by(Deflection.id.desc())
        .limit(1)
    ).first()


def decide(session: Session, deflection: Deflection, outcome: DeflectionOutcome) -> None:
    """Record the outcome, and tell the search (solved strengthens, a failure weakens)."""
    deflection.outcome = outcome
    deflection.decided_at = utcnow()
    if outcome is not DeflectionOutcome.NO_REPLY and deflection.question_id is not None:
        solved = outcome is DeflectionOutcome.SOLVED
        answers.record_outcome(session, deflection.query_text, deflection.question_id, solved)


# Asked on every question texted: built once.
_DOUBTED = select(Deflection).where(
    Deflection.phone == bindparam("phone"),
    Deflection.outcome.in_(OPEN_TO_DOUBT),
    Deflection.created_at >= bindparam("since"),
)


def contacted_again(session: Session, phone: str, now: datetime) -> int:
    """The number wrote with something new: its deflections of the last 72 h were false."""
    found = session.scalars(_DOUBTED, {"phone": phone, "since": now - AGAIN_WITHIN}).all()
    for deflection in found:
        decide(session, deflection, DeflectionOutcome.FALSE_DEFLECTION)
    return len(found)


def settle(session: Session, now: datetime | None = None) -> Settled:
    """Calls from a deflected number within 72 h make false deflections; answers past
    their reply window with no word become ``no_reply``. Safe to run from many places."""
    now = now or utcnow()
    # Portable SQL cannot add 72 h to a column: calls after each answer are found in SQL,
    # the 72 h checked here; a day of slack covers settling that ran late.
    rows = session.execute(
        select(Deflection, Interaction.started_at)
        .join(
            Interaction,
            and_(
                Interaction.from_number == Deflection.phone,
                Interaction.channel == InteractionChannel.VOICE,
                Interaction.started_at > Deflection.created_at,
            ),
        )
        .where(
            Deflection.outcome.in_(OPEN_TO_DOUBT),
            Deflection.created_at >= now - AGAIN_WITHIN - SLACK,
        )
        .limit(SETTLE_BATCH)
    ).all()
    doubted = {
        deflection.id: deflection
        for deflection, called_at in rows
        if called_at <= deflection.created_at + AGAIN_WITHIN
    }
    for deflection in doubted.values():
        decide(session, deflection, DeflectionOutcome.FALSE_DEFLECTION)
    silent = session.execute(
        update(Deflection)
        .where(
            and_(
                Deflection.outcome == DeflectionOutcome.PENDING,
                Deflection.created_at < now - reply_window(),
            )
        )
        .values(outcome=DeflectionOutcome.NO_REPLY, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return Settled(no_reply=int(silent.rowcount or 0), false_by_call=len(doubted))
