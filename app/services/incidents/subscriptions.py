"""Status updates by text: a number subscribes on ``/status`` (to one incident, or to all),
we text it once asking for YES, and a YES within a day makes the subscription active.

Nothing is texted to a number that opted out or that Twilio called invalid. STOP (any
opt-out keyword) and the unsubscribe form end a number's subscriptions; an unsubscribe
link ends the one subscription its token names. The broadcasts text ``subscribers``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import IncidentState, StatusSubscription, SubscriptionState, utcnow
from app.services import phone_numbers
from app.services.incidents.lifecycle import get
from app.services.texting import conversations, numbers, reply_limits, sending

CONFIRM_WITHIN = timedelta(hours=24)
ASK_FOR_YES = "Reply YES to get Northwind status updates by text. Reply STOP to stop."
LIVE = (SubscriptionState.PENDING, SubscriptionState.ACTIVE)


class SubscriptionError(ValueError):
    """The subscription cannot be made; the message says why, for the person asking."""

    status = 400


@dataclass(frozen=True)
class Asked:
    """What became of a request to subscribe: the number (E.164) and whether we texted it
    (not when it is subscribed already: the page says the same either way)."""

    phone: str
    texted: bool


def phone_number(text: str) -> str:
    """The number a person typed, in E.164; ``SubscriptionError`` if it is none."""
    found = phone_numbers.normalize(text, current_app.config["DEFAULT_REGION"])
    if found is None:
        raise SubscriptionError(
            "That is not a phone number we can text. Write it with its country code, "
            "like +1 415 555 0123."
        )
    return found


def subscribe(session: Session, phone: str, incident_id: int | None = None) -> Asked:
    """Ask ``phone`` (E.164) to confirm updates of the incident (all incidents if None)
    by texting it for YES; commits. ``SubscriptionError`` if it may not be texted."""
    if incident_id is not None and get(session, incident_id).state is IncidentState.RESOLVED:
        raise SubscriptionError("This incident is resolved: there will be no more updates.")
    _refuse_if_untextable(numbers.refusal(session, phone))
    found = live(session, phone, incident_id)
    if found is not None and found.state is SubscriptionState.ACTIVE:
        return Asked(phone, texted=False)
    if not reply_limits.may_reply(phone):
        raise SubscriptionError("We have texted this number a lot just now. Try again later.")
    subscription = found or StatusSubscription(phone=phone, incident_id=incident_id)
    subscription.token = secrets.token_urlsafe(32)
    subscription.texted_at = utcnow()
    session.add(subscription)
    try:
        session.flush()
    except IntegrityError:  # the same request twice at once: the other one texts
        session.rollback()
        return Asked(phone, texted=False)
    _text(session, subscription)
    session.commit()
    return Asked(phone, texted=True)


def _refuse_if_untextable(reason: str | None) -> None:
    if reason == numbers.OPTED_OUT:
        raise SubscriptionError(
            "This number has opted out of our texts, so we did not text it. To get texts "
            "again, text START to us from it, then subscribe here."
        )
    if reason is not None:
        raise SubscriptionError("This number cannot get texts, so we did not text it.")


def _text(session: Session, subscription: StatusSubscription) -> None:
    """Text the YES request through the number's conversation, where its YES arrives."""
    texter = numbers.texter(session, subscription.phone)
    conversation = conversations.find_or_start(
        session,
        subscription.phone,
        current_app.config["TWILIO_NUMBER"],
        texter.language,
        texter.customer_id,
    )
    session.add(conversation)
    session.flush()
    try:
        sending.send(session, conversation, ASK_FOR_YES)
    except sending.NotSent:
        _end(subscription, utcnow())
        session.commit()  # the failed text and what Twilio's refusal taught about the number
        _refuse_if_untextable(numbers.refusal(session, subscription.phone))
        raise SubscriptionError(
            "We could not send the text just now. Try again in a few minutes."
        ) from None


def confirm(session: Session, phone: str, now: datetime) -> int:
    """A YES from ``phone``: its subscriptions texted within a day become active; how many.
    Does not commit (the text's handling does, once)."""
    pending = session.scalars(
        select(StatusSubscription).where(
            StatusSubscription.phone == phone,
            StatusSubscription.state == SubscriptionState.PENDING,
            StatusSubscription.texted_at >= now - CONFIRM_WITHIN,
        )
    ).all()
    for subscription in pending:
        subscription.state = SubscriptionState.ACTIVE
        subscription.confirmed_at = now
    return len(pending)


def end_for_number(session: Session, phone: str) -> int:
    """End every live subscription of ``phone``; how many. Does not commit."""
    now = utcnow()
    live = session.scalars(
        select(StatusSubscription).where(
            StatusSubscription.phone == phone, StatusSubscription.state.in_(LIVE)
        )
    ).all()
    for subscription in live:
        _end(subscription, now)
    return len(live)


def unsubscribe(session: Session, phone: str) -> None:
    """The unsubscribe form: end the number's subscriptions, if any; commits. Says nothing
    of whether there were any."""
    end_for_number(session, phone)
    session.commit()


def by_token(session: Session, token: str) -> StatusSubscription | None:
    """The subscription an unsubscribe link names, if any."""
    if not token or len(token) > 64:
        return None
    return session.scalars(
        select(StatusSubscription).where(StatusSubscription.token == token)
    ).first()


def unsubscribe_token(session: Session, token: str) -> StatusSubscription | None:
    """End the subscription the link names (ended already: nothing changes); commits.
    None if the link names none."""
    subscription = by_token(session, token)
    if subscription is not None and subscription.state is not SubscriptionState.ENDED:
        _end(subscription, utcnow())
        session.commit()
    return subscription


def subscribers(session: Session, incident_id: int) -> Sequence[str]:
    """The numbers (E.164) with an active subscription to the incident or to every
    incident: whom a broadcast about it texts (who opted out since is still refused when
    sending)."""
    return session.scalars(
        select(StatusSubscription.phone)
        .where(
            StatusSubscription.state == SubscriptionState.ACTIVE,
            or_(
                StatusSubscription.incident_id == incident_id,
                StatusSubscription.incident_id.is_(None),
            ),
        )
        .distinct()
        .order_by(StatusSubscription.phone)
    ).all()


def live(session: Session, phone: str, incident_id: int | None) -> StatusSubscription | None:
    """The number's pending or active subscription to the incident (to every incident if
    None), if any."""
    which = (
        StatusSubscription.incident_id.is_(None)
        if incident_id is None
        else StatusSubscription.incident_id == incident_id
    )
    return session.scalars(
        select(StatusSubscription).where(
            StatusSubscription.phone == phone, which, StatusSubscription.state.in_(LIVE)
        )
    ).first()


def _end(subscription: StatusSubscription, now: datetime) -> None:
    subscription.state = SubscriptionState.ENDED
    subscription.ended_at = now
