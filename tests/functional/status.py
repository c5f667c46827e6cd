"""Helpers for status page tests: incidents as the supervisor would open them, a visitor's
subscribe form, and Twilio's Messages API answering one text."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import select

from app.extensions import db
from app.models import Account, Customer, StatusSubscription
from app.services.incidents import lifecycle
from tests.functional.community import Visitor
from tests.support import ACCOUNT_SID

MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
PHONE = "+14155550123"


def open_incident(title: str, severity: str = "major", **scope: list[str]) -> int:
    """Open an incident (scope: regions, services, service_areas); its id."""
    incident = lifecycle.open_incident(db.session, title, lifecycle.Scope.of(**scope), severity)
    return incident.id


def customers_with(*services: str) -> None:
    """One customer holding an account of each service."""
    customer = Customer(phone="+14155550999", name="Holder")
    for n, service in enumerate(services):
        customer.accounts.append(Account(number=f"ACC-{n}", service=service))
    db.session.add(customer)
    db.session.commit()


def texts_sent(twilio_api: Any, count: int = 1) -> None:
    """Twilio's Messages API takes ``count`` texts."""
    for n in range(count):
        twilio_api.add(
            "POST",
            MESSAGES,
            status=201,
            json={
                "account_sid": ACCOUNT_SID,
                "api_version": "2010-04-01",
                "body": "ok",
                "direction": "outbound-api",
                "error_code": None,
                "from": "+15558675310",
                "num_segments": "1",
                "sid": f"SM{n:032d}",
                "status": "queued",
                "to": PHONE,
            },
        )


def sent(twilio_api: Any) -> list[dict[str, list[str]]]:
    """The texts Twilio was asked to send, as their forms."""
    return [parse_qs(call.request.body) for call in twilio_api.calls]


def subscribe(
    visitor: Visitor, phone: str = PHONE, incident_id: int | None = None, address: str = ""
) -> Any:
    form = {"phone": phone}
    if incident_id is not None:
        form["incident_id"] = str(incident_id)
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return visitor.post("/status/subscribe", form, **extra)


def states(phone: str = PHONE) -> list[tuple[int | None, str]]:
    """The number's subscriptions: (incident id, state), oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(StatusSubscription)
        .where(StatusSubscription.phone == phone)
        .order_by(StatusSubscription.id)
    )
    return [(row.incident_id, row.state.value) for row in rows]
