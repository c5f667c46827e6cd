"""Finding a customer as an agent types: by phone in any format, by account number, or by
a part of their name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Account, Customer
from app.services import phone_numbers

MIN_QUERY = 2  # one letter would match most of the book
MAX_QUERY = 100
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
# What a typed phone number may hold besides digits: "+1 (555) 010-0199", "555.010.0199".
PHONE_LIKE = re.compile(r"[0-9+()\-. ]+")


class BadSearch(ValueError):
    """A search the API answers 400 to; the message says why."""


@dataclass(frozen=True)
class Search:
    """A checked query, and the page of results wanted."""

    text: str
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def read_search(text: str | None, limit: str | None = None, offset: str | None = None) -> Search:
    """The search the query string asks for; ``BadSearch`` for an empty, short or odd one."""
    query = (text or "").strip()
    if "\x00" in query:  # PostgreSQL refuses a NUL in text
        raise BadSearch("q holds a NUL character")
    if len(query) < MIN_QUERY:
        raise BadSearch(f"q must be at least {MIN_QUERY} characters: a phone, account or name")
    if len(query) > MAX_QUERY:
        raise BadSearch(f"q must be at most {MAX_QUERY} characters")
    return Search(
        query,
        _whole(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        _whole(offset, "offset", 0, 0, 10_000),
    )


def _whole(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise BadSearch(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def find_customers(session: Session, search: Search) -> dict[str, Any]:
    """Customers matching the query: phone and account matches first, then names A to Z."""
    exact = _by_phone(session, search.text) + _by_account(session, search.text)
    seen = {customer.id for customer, _ in exact}
    named = _by_name(session, search.text, search.offset + search.limit + len(seen) + 1)
    matches = exact + [(c, "name") for c in named if c.id not in seen]
    page = matches[search.offset : search.offset + search.limit]
    more = len(matches) > search.offset + search.limit
    return {
        "customers": [_found(customer, how) for customer, how in page],
        "next_offset": search.offset + search.limit if more else None,
    }


def _by_phone(session: Session, text: str) -> list[tuple[Customer, str]]:
    """The customer with this number, typed in any format (national ones in DEFAULT_REGION)."""
    if not PHONE_LIKE.fullmatch(text):
        return []
    number = phone_numbers.normalize(text, current_app.config["DEFAULT_REGION"])
    if number is None:
        return []
    found = session.scalars(select(Customer).where(Customer.phone == number)).first()
    return [(found, "phone")] if found is not None else []


def _by_account(session: Session, text: str) -> list[tuple[Customer, str]]:
    """The holder of the account with exactly this number (spaces ignored)."""
    number = text.replace(" ", "")
    if len(number) > 32:
        return []
    found = session.scalars(select(Customer).join(Account).where(Account.number == number)).first()
    return [(found, "account")] if found is not None else []


def _by_name(session: Session, text: str, limit: int) -> list[Customer]:
    """Customers whose name holds ``text``, whatever the case, A to Z."""
    return list(
        session.scalars(
            select(Customer)
            .where(func.lower(Customer.name).contains(text.lower(), autoescape=True))
            .order_by(Customer.name, Customer.id)
            .limit(limit)
        )
    )


def _found(customer: Customer, matched: str) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.name,
        "phone": customer.phone,
        "tier": customer.tier.value,
        "region": customer.region,
        "matched": matched,
    }
