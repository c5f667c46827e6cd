"""Writing one batch of valid customer rows: a few set-based queries per batch, not per row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.models import Account, Channel, ConsentEvent, ConsentSource, Customer, Purpose
from app.services.customers.consent import current_consents
from app.services.customers.customer_import_rows import CustomerRow
from app.services.printable import printable, shortened

SERVICE_NOTICES = Purpose.SERVICE_NOTICES
_DETAIL_TYPE: Any = ConsentEvent.__table__.c.detail.type
DETAIL_LENGTH = int(_DETAIL_TYPE.length)  # the column's own limit
# The columns an import may change, loaded as plain rows to compare without ORM overhead.
_STORED = (
    *(Customer.id, Customer.phone, Customer.name, Customer.email, Customer.language),
    *(Customer.tier, Customer.lifetime_value, Customer.region, Customer.timezone),
)


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: the line it starts on (the header is line 1) and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did, row by row counted."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    @property
    def rejected(self) -> int:
        """How many rows were not imported."""
        return len(self.errors)

    @property
    def imported(self) -> int:
        """How many rows are now in the database as the file says."""
        return self.created + self.updated + self.unchanged

    def add(self, other: ImportReport) -> None:
        """Count the rows of ``other`` (a committed batch) in this report too."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)

    def summary(self) -> str:
        """One line: created, updated, unchanged, rejected."""
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data for ``--json``."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
            "ignored_columns": list(self.ignored_columns),
        }


def write_batch(
    session: Session, rows: list[CustomerRow], report: ImportReport, source: str
) -> None:
    """Create, update or leave each row's customer, with its accounts and consent."""
    existing = _load_customers(session, [row.phone for row in rows])
    accounts = _load_accounts(session, [number for row in rows for _, number in row.accounts])
    rows = [row for row in rows if _owns_accounts(row, existing, accounts, report)]
    new_rows = [row for row in rows if row.phone not in existing]
    ids = _insert_customers(session, new_rows)
    ids.update((phone, customer.id) for phone, customer in existing.items())
    changed = _update_customers(session, rows, existing)
    changed |= _write_accounts(session, rows, ids, accounts)
    changed |= _write_consent(session, rows, ids, existing, source)
    updated = len(changed & existing.keys())
    report.created += len(new_rows)
    report.updated += updated
    report.unchanged += len(rows) - len(new_rows) - updated


def _load_customers(session: Session, phones: list[str]) -> dict[str, Any]:
    rows = session.execute(select(*_STORED).where(Customer.phone.in_(phones)))
    return {row.phone: row for row in rows}


def _load_accounts(session: Session, numbers: list[str]) -> dict[str, Any]:
    if not numbers:
        return {}
    columns = (Account.id, Account.number, Account.service, Account.customer_id)
    rows = session.execute(select(*columns).where(Account.number.in_(numbers)))
    return {row.number: row for row in rows}


def _owns_accounts(
    row: CustomerRow,
    existing: dict[str, Any],
    accounts: dict[str, Any],
    report: ImportReport,
) -> bool:
    """Whether no account of the row belongs to another customer (else report it)."""
    customer = existing.get(row.phone)
    for _, number in row.accounts:
        account = accounts.get(number)
        if account is not None and (customer is None or account.customer_id != customer.id):
            report.errors.append(
                RowError(row.line, f"account {number} belongs to another customer")
            )
            return False
    return True


def _insert_customers(session: Session, rows: list[CustomerRow]) -> dict[str, int]:
    if not rows:
        return {}
    statement = insert(Customer).returning(
        Customer.id, Customer.phone, sort_by_parameter_order=True
    )
    result = session.execute(statement, [row.create_values() for row in rows])
    return {phone: customer_id for customer_id, phone in result}


def _update_customers(
    session: Session, rows: Iterable[CustomerRow], existing: dict[str, Any]
) -> set[str]:
    """Write only the columns that differ; the phones of the customers changed."""
    changes: list[dict[str, Any]] = []
    touched: set[str] = set()
    for row in rows:
        stored = existing.get(row.phone)
        if stored is None:
            continue
        values = row.update_values()
        differ = {key: value for key, value in values.items() if getattr(stored, key) != value}
        if differ:
            changes.append({"id": stored.id, **differ})
            touched.add(row.phone)
    if changes:
        session.execute(update(Customer), changes)
    return touched


def _write_accounts(
    session: Session,
    rows: Iterable[CustomerRow],
    ids: dict[str, int],
    accounts: dict[str, Any],
) -> set[str]:
    """Add the accounts not yet stored, correct changed services; the phones touched."""
    new: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    touched: set[str] = set()
    for row in rows:
        for service, number in row.accounts:
            stored = accounts.get(number)
            if stored is None:
                new.append({"customer_id": ids[row.phone], "number": number, "service": service})
            elif stored.service != service:
                services.append({"id": stored.id, "service": service})
            else:
                continue
            touched.add(row.phone)
    if new:
        session.execute(insert(Account), new)
    if services:
        session.execute(update(Account), services)
    return touched


def _write_consent(
    session: Session,
    rows: Iterable[CustomerRow],
    ids: dict[str, int],
    existing: dict[str, Any],
    source: str,
) -> set[str]:
    """Append a service-notice consent event where the file differs from the current choice."""
    current = current_consents(session, [c.id for c in existing.values()], SERVICE_NOTICES)
    events: list[dict[str, Any]] = []
    touched: set[str] = set()
    for row in rows:
        customer_id = ids[row.phone]
        for channel, opted_in in row.consent.items():
            if current.get((customer_id, channel), False) != opted_in:
                events.append(_consent_event(customer_id, channel, opted_in, source, row.line))
                touched.add(row.phone)
    if events:
        session.execute(insert(ConsentEvent), events)
    return touched


def _consent_event(
    customer_id: int, channel: Channel, opted_in: bool, source: str, line: int
) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "channel": channel,
        "purpose": SERVICE_NOTICES,
        "opted_in": opted_in,
        "source": ConsentSource.IMPORT,
        "detail": _detail(source, line),
    }


def _detail(source: str, line: int) -> str:
    """Where a consent came from: the file's name, escaped and cut to fit, and the line."""
    where = f" line {line}"
    return (shortened(printable(source), DETAIL_LENGTH - len(where)) + where).strip()
