"""A texting number's standing: opted out (consent events), or refused as invalid by Twilio.

Consent is the customer's append-only history (``app.services.customers.consent``). A STOP
records an opt-out for every purpose; START (or YES, when it is not answering a
deflection) an opt-in to service texts only: marketing needs its own, explicit consent.
A texter we do not know yet becomes a customer record when their choice must be kept: the
number is all we know, and it is what consent is about.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from app.models import Channel, ConsentEvent, ConsentSource, Customer, Purpose, utcnow
from app.services.customers.consent import record_consent

log = logging.getLogger(__name__)

PHONE_LENGTH = 16  # customers.phone holds E.164
OPTED_OUT = "opted_out"
INVALID = "invalid_number"
INVALID_NUMBER_CODE = 21211
UNSUBSCRIBED_CODE = 21610


@dataclass(frozen=True)
class Texter:
    """What one read tells of a number: its customer, their language, why nothing may be
    texted to it (``OPTED_OUT``, ``INVALID``) if anything."""

    customer_id: int | None = None
    language: str = "en"
    refusal: str | None = None


def texter(session: Session, phone: str) -> Texter:
    """The number's customer, language and refusal, in one query (a stranger: none).

    A number that wrote to us and never opted out may be answered: the texter asked.
    """
    row = session.execute(_TEXTER, {"phone": phone}).first()
    if row is None:
        return Texter()
    refusal = None
    if row.opted_in is False:
        refusal = OPTED_OUT
    elif row.phone_invalid_at is not None:
        refusal = INVALID
    return Texter(row.id, row.language, refusal)


def _latest_sms_choice(customer_id: Any) -> Select[tuple[bool]]:
    return (
        select(ConsentEvent.opted_in)
        .where(
            ConsentEvent.customer_id == customer_id,
            ConsentEvent.channel == Channel.SMS,
            ConsentEvent.purpose == Purpose.SERVICE_NOTICES,
        )
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    )


# Asked on every text: built once (building a statement costs more than SQLite running it).
_TEXTER = select(
    Customer.id,
    Customer.language,
    Customer.phone_invalid_at,
    _latest_sms_choice(Customer.id).scalar_subquery().label("opted_in"),
).where(Customer.phone == bindparam("phone"))


def refusal(session: Session, phone: str) -> str | None:
    """Why nothing may be texted to ``phone`` (``opted_out``, ``invalid_number``), or None."""
    return texter(session, phone).refusal


def customer_for(session: Session, phone: str) -> Customer | None:
    """The customer with this number, if any."""
    return session.scalars(select(Customer).where(Customer.phone == phone)).first()


def customer_keeping(session: Session, phone: str, language: str = "en") -> Customer | None:
    """The customer with this number, made if unknown (None if it cannot be a phone)."""
    customer = customer_for(session, phone)
    if customer is None and 0 < len(phone) <= PHONE_LENGTH:
        customer = Customer(phone=phone, name="", language=language)
        session.add(customer)
        session.flush()
    return customer


def opted_in_now(session: Session, customer_id: int) -> bool | None:
    """The latest SMS choice for service texts: True, False, or None when never asked."""
    return session.scalar(_latest_sms_choice(customer_id))


def opt_out(session: Session, phone: str, detail: str, source: ConsentSource) -> bool:
    """Record an opt-out from every text; True if the number was not opted out before."""
    customer = customer_keeping(session, phone)
    if customer is None:
        log.warning("an opt-out from a sender that is no phone number was not kept")
        return False
    if opted_in_now(session, customer.id) is False:
        return False
    for purpose in Purpose:
        record_consent(session, customer.id, Channel.SMS, purpose, False, source, detail)
    return True


def opt_in(session: Session, phone: str, detail: str, language: str = "en") -> bool:
    """Record an opt-in to service texts; True if the number was opted out (or never asked)."""
    customer = customer_keeping(session, phone, language)
    if customer is None:
        return False
    if opted_in_now(session, customer.id) is True:
        return False
    record_consent(
        session,
        customer.id,
        Channel.SMS,
        Purpose.SERVICE_NOTICES,
        True,
        ConsentSource.KEYWORD,
        detail,
    )
    return True


def mark_invalid(session: Session, phone: str, code: int) -> None:
    """Twilio called the number invalid: keep it on the customer, so nothing goes there."""
    customer = customer_keeping(session, phone)
    if customer is not None and customer.phone_invalid_at is None:
        customer.phone_invalid_at = utcnow()
        customer.phone_invalid_code = code


def carrier_refused(session: Session, phone: str, code: int | None) -> None:
    """What a Twilio error on a send says about the number: 21610 is an opt-out, 21211 an
    invalid number; other errors say nothing lasting."""
    if code == UNSUBSCRIBED_CODE:
        opt_out(session, phone, "Twilio error 21610", ConsentSource.CARRIER_ERROR)
    elif code == INVALID_NUMBER_CODE:
        mark_invalid(session, phone, code)
