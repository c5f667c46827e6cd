"""Reading one customer CSV row: validation and normalization, with no database in sight."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.models import Channel, Tier
from app.services.csv_export import unescape_cell
from app.services.customers.customer_import_fields import (
    TRIMMED,
    normalize_phone,
    parse_accounts,
    parse_consent,
    parse_email,
    parse_language,
    parse_lifetime_value,
    parse_name,
    parse_region,
    parse_tier,
    parse_timezone,
)

REQUIRED_COLUMNS = ("phone", "name")
CONSENT_COLUMNS = {"sms_consent": Channel.SMS, "voice_consent": Channel.VOICE}
# What a new customer gets for a column that is missing or blank; existing customers keep theirs.
DEFAULTS: dict[str, Any] = {
    "email": None,
    "language": "en",
    "tier": Tier.BRONZE,
    "lifetime_value": Decimal("0.00"),
    "region": "",
    "timezone": "UTC",
}
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, *DEFAULTS, "accounts", *CONSENT_COLUMNS)


class HeaderError(ValueError):
    """The header row cannot be used: a required column is missing or a column repeats."""


class RowInvalid(ValueError):
    """A data row was rejected; ``reasons`` says why, one entry per problem."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True, slots=True)
class Header:
    """The columns of a customer file, normalized, and the ones the importer ignores."""

    columns: tuple[str, ...]
    ignored: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A valid row: the customer's fields that the file gives (blank cells left out)."""

    line: int
    phone: str
    name: str
    fields: dict[str, Any]
    accounts: tuple[tuple[str, str], ...]  # (service, number)
    consent: dict[Channel, bool]

    def create_values(self) -> dict[str, Any]:
        """The column values of a new customer made from this row."""
        return {**DEFAULTS, **self.fields, "phone": self.phone, "name": self.name}

    def update_values(self) -> dict[str, Any]:
        """The column values this row sets on an existing customer."""
        return {**self.fields, "name": self.name}


def read_header(cells: Sequence[str]) -> Header:
    """Normalize the header (case, spaces) and check it has every required column."""
    columns = tuple(re.sub(r"[\s-]+", "_", cell.strip().lower()) for cell in cells)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise HeaderError(f"missing required column{plural}: {', '.join(missing)}")
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise HeaderError(f"column appears more than once: {', '.join(repeated)}")
    ignored = tuple(name for name in columns if name and name not in KNOWN_COLUMNS)
    return Header(columns, ignored)


FIELD_PARSERS: dict[str, Callable[[str], Any]] = {
    "email": parse_email,
    "language": parse_language,
    "tier": parse_tier,
    "lifetime_value": parse_lifetime_value,
    "region": parse_region,
    "timezone": parse_timezone,
}


def parse_row(header: Header, cells: Sequence[str], line: int, region: str) -> CustomerRow:
    """Validate one data row; raises ``RowInvalid`` naming every problem found."""
    if len(cells) > len(header.columns):
        raise RowInvalid([f"row has {len(cells)} fields but the header has {len(header.columns)}"])
    cells_by_column = zip(header.columns, cells, strict=False)
    # A cell an export escaped ('=...) reads as the text it was: the export round-trips.
    values = {column: unescape_cell(cell.strip(TRIMMED)) for column, cell in cells_by_column}
    reasons: list[str] = []

    def check(parse: Callable[..., Any], *args: str) -> Any:
        try:
            return parse(*args)
        except ValueError as exc:
            reasons.append(str(exc))
            return None

    phone = check(normalize_phone, values.get("phone", ""), region)
    name = check(parse_name, values.get("name", ""))
    fields = {
        column: check(parse, values[column])
        for column, parse in FIELD_PARSERS.items()
        if values.get(column)
    }
    accounts = check(parse_accounts, values.get("accounts", ""))
    consent = {
        channel: check(parse_consent, column, values[column])
        for column, channel in CONSENT_COLUMNS.items()
        if values.get(column)
    }
    if reasons:
        raise RowInvalid(reasons)
    return CustomerRow(line, phone, name, fields, accounts, consent)
