"""Demo customers: each one generated from its own seed, so customer N is always the same."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.demo.names import (
    AREAS,
    EMAIL_DOMAINS,
    EN_FIRST,
    EN_LAST,
    ES_FIRST,
    ES_LAST,
    ascii_fold,
)
from app.models import Account, Channel, ConsentEvent, ConsentSource, Customer, Purpose, Tier

SEED = 1_720_000
MAX_CUSTOMERS = 100_000  # phones run out at (9999 - 100) * len(AREAS)
TIER_WEIGHTS = {Tier.PLATINUM: 3, Tier.GOLD: 12, Tier.SILVER: 30, Tier.BRONZE: 55}
VALUE_RANGES = {
    Tier.PLATINUM: (15_000, 60_000),
    Tier.GOLD: (5_000, 15_000),
    Tier.SILVER: (1_500, 5_000),
    Tier.BRONZE: (50, 1_500),
}
SERVICES = {"mobile": "M", "broadband": "B", "tv": "T", "energy": "E"}
HISTORY_DAYS = 182
SERVICE = Purpose.SERVICE_NOTICES
MARKETING = Purpose.MARKETING
# channel, purpose, chance of opting in, chance of opting out later, sources in and out
CONSENT_ODDS = (
    (Channel.SMS, SERVICE, 0.85, 0.08, ConsentSource.WEB, ConsentSource.KEYWORD),
    (Channel.VOICE, SERVICE, 0.75, 0.04, ConsentSource.AGENT, ConsentSource.AGENT),
    (Channel.SMS, MARKETING, 0.12, 0.25, ConsentSource.WEB, ConsentSource.KEYWORD),
    (Channel.VOICE, MARKETING, 0.04, 0.20, ConsentSource.AGENT, ConsentSource.AGENT),
)


@dataclass
class DemoCustomer:
    """A generated customer: its columns, accounts and consent history (no ids yet)."""

    index: int
    values: dict[str, Any]
    accounts: list[dict[str, Any]] = field(default_factory=list)
    consent: list[dict[str, Any]] = field(default_factory=list)
    id: int | None = None

    @property
    def phone(self) -> str:
        """The customer's phone in E.164."""
        return str(self.values["phone"])


def demo_phone(index: int) -> str:
    """The phone of demo customer ``index``: 555 exchange numbers spread over the areas."""
    area = AREAS[index % len(AREAS)]
    return f"+1{area.code}555{100 + index // len(AREAS):04d}"


def demo_customer(index: int, now: datetime) -> DemoCustomer:
    """Demo customer ``index``, the same on every run (only dates move with ``now``)."""
    rng = random.Random(SEED + index)
    area = AREAS[index % len(AREAS)]
    language = "es" if rng.random() < 0.2 else "en"
    first, last = _name(rng, language)
    tier = rng.choices(list(TIER_WEIGHTS), weights=list(TIER_WEIGHTS.values()))[0]
    low, high = VALUE_RANGES[tier]
    since = now - timedelta(days=rng.randint(HISTORY_DAYS + 20, 3650), hours=rng.randint(0, 23))
    email = None
    if rng.random() < 0.75:
        local = f"{ascii_fold(first)}.{ascii_fold(last)}{rng.randint(1, 99)}".lower()
        email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    values = {
        "phone": demo_phone(index),
        "name": f"{first} {last}",
        "email": email,
        "language": language,
        "tier": tier,
        "lifetime_value": Decimal(rng.randint(low * 100, high * 100)) / 100,
        "region": area.region,
        "timezone": area.timezone,
        "created_at": since,
        "updated_at": since,
    }
    customer = DemoCustomer(index, values)
    customer.accounts = _accounts(rng, index, tier, area.city, since, now)
    customer.consent = _consent(rng, since, now)
    return customer


def _name(rng: random.Random, language: str) -> tuple[str, str]:
    if language == "es":
        last = rng.choice(ES_LAST)
        if rng.random() < 0.3:
            last = f"{last} {rng.choice(ES_LAST)}"
        return rng.choice(ES_FIRST), last
    last_names = ES_LAST if rng.random() < 0.1 else EN_LAST
    return rng.choice(EN_FIRST), rng.choice(last_names)


def _accounts(
    rng: random.Random, index: int, tier: Tier, city: str, since: datetime, now: datetime
) -> list[dict[str, Any]]:
    """One to three services; better tiers tend to hold more."""
    weights = (20, 45, 35) if tier in (Tier.PLATINUM, Tier.GOLD) else (50, 35, 15)
    count = rng.choices((1, 2, 3), weights=weights)[0]
    span = max((now - since).days - HISTORY_DAYS, 1)
    return [
        {
            "number": f"{SERVICES[service]}-{7_000_000 + index}",
            "service": service,
            "status": "suspended" if rng.random() < 0.04 else "active",
            "service_area": city,
            "opened_at": since + timedelta(days=rng.randint(0, span)),
        }
        for service in rng.sample(list(SERVICES), count)
    ]


def _consent(rng: random.Random, since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Opt-ins when the customer joined; some opt-outs during the last months."""
    events: list[dict[str, Any]] = []
    for channel, purpose, opt_in, opt_out, source_in, source_out in CONSENT_ODDS:
        if rng.random() >= opt_in:
            continue
        joined = since + timedelta(minutes=rng.randint(1, 600))
        events.append(_event(channel, purpose, True, source_in, joined))
        if rng.random() < opt_out:
            left = now - timedelta(days=rng.uniform(1, HISTORY_DAYS))
            detail = "STOP" if source_out is ConsentSource.KEYWORD else "asked on a call"
            events.append(_event(channel, purpose, False, source_out, left, detail))
    return sorted(events, key=lambda event: event["recorded_at"])


def _event(
    channel: Channel,
    purpose: Purpose,
    opted_in: bool,
    source: ConsentSource,
    at: datetime,
    detail: str = "demo",
) -> dict[str, Any]:
    return {
        "channel": channel,
        "purpose": purpose,
        "opted_in": opted_in,
        "source": source,
        "detail": detail,
        "recorded_at": at,
    }


def insert_customers(session: Session, customers: list[DemoCustomer]) -> tuple[int, int]:
    """Insert customers with their accounts and consent; the accounts and events written."""
    if not customers:
        return 0, 0
    statement = insert(Customer).returning(Customer.id, sort_by_parameter_order=True)
    ids = session.scalars(statement, [customer.values for customer in customers]).all()
    for customer, customer_id in zip(customers, ids, strict=True):
        customer.id = customer_id
    accounts = [{**a, "customer_id": c.id} for c in customers for a in c.accounts]
    # Inserted in time order per customer, so the highest id is the current choice.
    events = [{**e, "customer_id": c.id} for c in customers for e in c.consent]
    session.execute(insert(Account), accounts)
    if events:
        session.execute(insert(ConsentEvent), events)
    return len(accounts), len(events)
