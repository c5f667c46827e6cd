"""Helpers for the console's contact tests: a known customer who calls through the billing
menu, and Ana answering them."""

from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.models import Account, Customer, Tier
from tests.functional.desks import TO_BILLING, call_in, call_redirected
from tests.functional.voice import twiml

CALLER = "+14155550123"  # call_params' default From


# A known English-speaking caller skips the language question: billing, then the account.
KNOWN_TO_BILLING = ("1", "12345678")


def known_customer(
    phone: str = CALLER, name: str = "Grace Hopper", account: str = "12345678"
) -> Customer:
    """A silver customer with an account, calling from ``phone``."""
    customer = Customer(
        phone=phone,
        name=name,
        email="grace@example.com",
        tier=Tier.SILVER,
        lifetime_value=Decimal("1234.50"),
        region="north",
        timezone="America/Chicago",
    )
    customer.accounts.append(Account(number=account, service="electricity"))
    db.session.add(customer)
    db.session.commit()
    return customer


def billing_call_answered(desk, twilio_post, twilio_api, keys=TO_BILLING) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A caller who gave their account number in the billing menu, accepted and answered."""
    assert desk.call("PUT", "/api/agent/presence", state="available").status_code == 200
    caller = call_in(twilio_post, keys)
    call_redirected(twilio_api, caller)
    accepted = desk.call("POST", "/api/agent/accept")
    assert accepted.status_code == 200, accepted.get_json()
    db.session.expire_all()
    twiml(twilio_post(f"/voice/whisper?agent={desk.id}&c={caller['CallSid']}", caller))
    return caller


def my_contact(desk):  # type: ignore[no-untyped-def]
    """``GET /api/agent/contact``'s answer, asserted to be a 200."""
    response = desk.call("GET", "/api/agent/contact")
    assert response.status_code == 200, response.get_json()
    return response.get_json()
