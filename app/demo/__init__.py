"""The demo data set of a fictional telecom and energy company; loading it twice adds nothing.

What exists is found by natural key (queue name, user email, customer phone); history is
written only for customers created in the same run, so row counts never drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.demo.community import CommunityCounts, load_community
from app.demo.customers import (
    MAX_CUSTOMERS,
    DemoCustomer,
    demo_customer,
    demo_phone,
    insert_customers,
)
from app.demo.history import HistoryCounts, StaffIds, insert_history
from app.demo.incidents import load_incidents
from app.demo.staff import Login, agents_by_skill, ensure_queues, ensure_staff
from app.models import Account, Customer, Queue, Role, utcnow

__all__ = ["DEFAULT_CUSTOMERS", "MAX_CUSTOMERS", "DemoReport", "Login", "load_demo"]

DEFAULT_CUSTOMERS = 1_200
CHUNK = 500


@dataclass
class DemoReport:
    """What a demo load created, and the logins of the users it made."""

    queues_created: int = 0
    queues_existing: int = 0
    logins: list[Login] = field(default_factory=list)
    users_existing: int = 0
    customers_created: int = 0
    customers_existing: int = 0
    tiers: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    accounts: int = 0
    consent_events: int = 0
    history: HistoryCounts = HistoryCounts(0, 0, 0)
    community: CommunityCounts = field(default_factory=CommunityCounts)
    incidents: int = 0

    def summary_lines(self) -> list[str]:
        """A few lines saying what was created and what was already there."""
        roles = Counter(login.role for login in self.logins)
        staff = ", ".join(
            f"{roles[role]} {role.value}{'s' if roles[role] > 1 else ''}"
            for role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
            if roles[role]
        )
        tiers = ", ".join(f"{tier} {self.tiers[tier]}" for tier in _TIER_ORDER)
        languages = ", ".join(f"{code} {n}" for code, n in sorted(self.languages.items()))
        lines = [
            f"Queues: {self.queues_created} created, {self.queues_existing} already there.",
            f"Staff users: {len(self.logins)} created ({staff or 'none'}), "
            f"{self.users_existing} already there.",
            f"Customers: {self.customers_created} created, "
            f"{self.customers_existing} already there.",
        ]
        if self.customers_created:
            lines += [
                f"  tiers: {tiers}; languages: {languages}",
                f"  {self.accounts} accounts, {self.consent_events} consent events",
                f"  {self.history.interactions} interactions over the last 6 months, "
                f"{self.history.cases} cases ({self.history.open_cases} open)",
            ]
        incidents = (
            f"Incidents: {self.incidents} added (one open: broadband in Boston)."
            if self.incidents
            else "Incidents: already there."
        )
        return [*lines, *self.community_lines(), incidents]

    def community_lines(self) -> list[str]:
        """What the community load added, and the one member login it shows."""
        made = self.community
        if not made.questions:
            return ["Community: already there."]
        lines = [
            f"Community: {made.members} members, {made.questions} questions, "
            f"{made.answers} answers ({made.accepted} accepted), {made.votes} votes."
        ]
        if made.login:
            lines.append(f"  member login for /community: {made.login[0]}  {made.login[1]}")
        return lines


_TIER_ORDER = ("platinum", "gold", "silver", "bronze")


def load_demo(
    session: Session, customers: int = DEFAULT_CUSTOMERS, now: datetime | None = None
) -> DemoReport:
    """Create whatever part of the demo data is missing, in one transaction."""
    if not 0 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 0 and {MAX_CUSTOMERS}")
    now = now or utcnow()
    report = DemoReport()
    report.queues_created, report.queues_existing = ensure_queues(session)
    report.logins, report.users_existing = ensure_staff(session)
    new = _missing_customers(session, customers, now)
    report.customers_created = len(new)
    report.customers_existing = customers - len(new)
    report.tiers.update(customer.values["tier"].value for customer in new)
    report.languages.update(customer.values["language"] for customer in new)
    report.accounts, report.consent_events = insert_customers(session, new)
    queues = {name: id_ for name, id_ in session.execute(select(Queue.name, Queue.id))}
    staff = StaffIds(queues, agents_by_skill(session))
    report.history = insert_history(session, new, staff, now)
    report.community = load_community(session, now)
    report.incidents = load_incidents(session, now)
    session.commit()
    return report


def _missing_customers(session: Session, count: int, now: datetime) -> list[DemoCustomer]:
    """The demo customers whose phone is not in the database yet."""
    phones = [demo_phone(index) for index in range(count)]
    existing = _existing(session, Customer.phone, phones)
    new = [demo_customer(i, now) for i, phone in enumerate(phones) if phone not in existing]
    numbers = [account["number"] for customer in new for account in customer.accounts]
    taken = _existing(session, Account.number, numbers)
    for customer in new:
        customer.accounts = [a for a in customer.accounts if a["number"] not in taken]
    return new


def _existing(
    session: Session, column: InstrumentedAttribute[Any], values: Sequence[str]
) -> set[str]:
    """Which of ``values`` are already stored in ``column``, asked in chunks."""
    found: set[str] = set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found
