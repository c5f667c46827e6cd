"""Updates by text asked for on a call (the IVR's ``subscribe_updates`` node).

The call shows that the caller holds the number, so the subscription is active at once (no
YES round trip, as ``/status`` needs) and one text confirms it, naming the incident and
saying that STOP ends it. Consent still rules: a number that opted out is not texted (the
caller is told how to opt back in), nor one Twilio called invalid, nor a withheld caller
ID. Broadcasts of the incident reach the subscription as any other (``subscribers``).
"""

from __future__ import annotations

import enum
import logging
import secrets

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Incident, IncidentState, StatusSubscription, SubscriptionState, utcnow
from app.services import phone_numbers
from app.services.callbacks.callback_policy import WITHHELD_CALLER_IDS
from app.services.incidents import subscriptions
from app.services.scripts.script_variables import status_link
from app.services.texting import conversations, numbers, sending

log = logging.getLogger(__name__)

CONFIRMATION = {
    "en": 'Northwind: you\'ll get text updates on "{title}" (incident {id}): {link} '
    "Reply STOP to end them.",
    "es": 'Northwind: recibirá novedades por mensaje de texto sobre "{title}" (incidente '
    "{id}): {link} Responda STOP para dejar de recibirlas.",
}


class Outcome(enum.StrEnum):
    """What became of a caller's request for updates by text."""

    SUBSCRIBED = "subscribed"  # active, and the confirmation text sent
    ALREADY = "already"  # an active subscription to the incident was there: no second text
    OPTED_OUT = "opted_out"  # the number said STOP: nothing texted
    UNTEXTABLE = "untextable"  # withheld, not a phone number, or called invalid by Twilio
    NO_INCIDENT = "no_incident"  # no open incident touches the caller (any more)
    UNAVAILABLE = "unavailable"  # the text could not be sent: no subscription kept


def textable(caller_id: str) -> str | None:
    """The caller ID as a number we may text (E.164 as Twilio gives it), or None: withheld
    (``anonymous``, ``+266696687`` and friends), empty, a SIP address, not E.164."""
    given = (caller_id or "").strip()
    if not given.startswith("+") or given in WITHHELD_CALLER_IDS:
        return None
    return given if phone_numbers.normalize(given) == given else None


def subscribe_caller(
    session: Session, caller_id: str, incident_id: int | None, language: str
) -> Outcome:
    """Subscribe the number that called to the incident's updates and text it once; what
    became of it. Commits. Database errors are the caller's to handle (the call goes on)."""
    phone = textable(caller_id)
    if phone is None:
        return Outcome.UNTEXTABLE
    incident = session.get(Incident, incident_id) if incident_id is not None else None
    if incident is None or incident.state is IncidentState.RESOLVED:
        return Outcome.NO_INCIDENT
    refusal = numbers.refusal(session, phone)
    if refusal is not None:
        return Outcome.OPTED_OUT if refusal == numbers.OPTED_OUT else Outcome.UNTEXTABLE
    found = subscriptions.live(session, phone, incident.id)
    if found is not None and found.state is SubscriptionState.ACTIVE:
        return Outcome.ALREADY
    now = utcnow()
    subscription = found or StatusSubscription(
        phone=phone, incident_id=incident.id, token=secrets.token_urlsafe(32)
    )
    subscription.state = SubscriptionState.ACTIVE
    subscription.texted_at = subscription.confirmed_at = now
    session.add(subscription)
    try:
        session.flush()
    except IntegrityError:  # the same call's webhook twice at once: the other one texts
        session.rollback()
        return Outcome.ALREADY
    return _confirm(session, subscription, incident, language)


def _confirm(
    session: Session, subscription: StatusSubscription, incident: Incident, language: str
) -> Outcome:
    """Text the confirmation; a subscription whose text could not go is ended (nobody
    was told of it), and what the refusal taught about the number is kept."""
    texter = numbers.texter(session, subscription.phone)
    conversation = conversations.find_or_start(
        session,
        subscription.phone,
        current_app.config["TWILIO_NUMBER"],
        language,
        texter.customer_id,
    )
    session.add(conversation)
    session.flush()
    link = status_link(current_app.config["PUBLIC_BASE_URL"], incident.id)
    body = CONFIRMATION.get(language, CONFIRMATION["en"]).format(
        title=incident.title, id=incident.id, link=link
    )
    try:
        sending.send(session, conversation, body)
    except sending.NotSent as refused:
        log.info("updates by text for incident %s not confirmed: %s", incident.id, refused.reason)
        subscription.state = SubscriptionState.ENDED
        subscription.ended_at = utcnow()
        session.commit()
        if numbers.refusal(session, subscription.phone) == numbers.OPTED_OUT:
            return Outcome.OPTED_OUT
        return Outcome.UNAVAILABLE
    session.commit()
    return Outcome.SUBSCRIBED
