"""Exporting customers to CSV in the import's columns, so an export imports back unchanged.

Phones are E.164 text like every other text: ``+12025550143`` is written ``'+12025550143``,
so a spreadsheet keeps it as text with its ``+`` (as a number it would lose the ``+``, and
the country code with it, once saved); ``customers import`` takes the quote off again.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, Channel, Customer, Purpose
from app.services.csv_export import write_csv
from app.services.customers.consent import current_consents
from app.services.customers.customer_import_rows import (
    CONSENT_COLUMNS,
    DEFAULTS,
    KNOWN_COLUMNS,
    REQUIRED_COLUMNS,
)

EXPORT_COLUMNS = KNOWN_COLUMNS  # the customer's columns, then accounts, then consent
CHUNK = 1000  # customers read per query, so an export holds no more than this in memory
_CUSTOMER_COLUMNS = [getattr(Customer, column) for column in (*REQUIRED_COLUMNS, *DEFAULTS)]


def write_customer_file(session: Session, path: Path) -> int:
    """Write every customer to the CSV file ``path``; how many were written.

    The file is written beside ``path`` and moved into place at the end, so an export that
    fails leaves no half-written file. It is UTF-8 with a byte-order mark, which Excel needs
    to read accented names right and ``customers import`` skips.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(handle, "w", encoding="utf-8-sig", newline="") as stream:
            written = write_csv(stream, EXPORT_COLUMNS, customer_rows(session))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return written


def customer_rows(session: Session) -> Iterator[Sequence[object]]:
    """Every customer as a row of ``EXPORT_COLUMNS``, in the order they were created."""
    last_id = 0
    while True:
        statement = select(Customer.id, *_CUSTOMER_COLUMNS).where(Customer.id > last_id)
        customers = session.execute(statement.order_by(Customer.id).limit(CHUNK)).all()
        if not customers:
            return
        ids = [customer.id for customer in customers]
        accounts = _accounts(session, ids)
        consent = current_consents(session, ids, Purpose.SERVICE_NOTICES)
        for customer_id, *values in customers:
            yield [
                *values,
                accounts.get(customer_id, ""),
                *(_yes_no(consent, customer_id, channel) for channel in CONSENT_COLUMNS.values()),
            ]
        last_id = ids[-1]


def _accounts(session: Session, ids: list[int]) -> dict[int, str]:
    """Each customer's accounts as the import reads them: ``service:number`` pairs by ``;``."""
    pairs: dict[int, list[str]] = defaultdict(list)
    columns = (Account.customer_id, Account.service, Account.number)
    statement = select(*columns).where(Account.customer_id.in_(ids)).order_by(Account.id)
    rows = session.execute(statement)
    for customer_id, service, number in rows:
        pairs[customer_id].append(f"{service}:{number}")
    return {customer_id: ";".join(entries) for customer_id, entries in pairs.items()}


def _yes_no(consent: dict[tuple[int, Channel], bool], customer_id: int, channel: Channel) -> str:
    return "yes" if consent.get((customer_id, channel), False) else "no"
