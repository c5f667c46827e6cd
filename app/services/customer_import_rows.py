"""Reading one customer CSV row: validation and normalization, with no database in sight."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

import phonenumbers

from app.models import Channel, Tier

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
MAX_LIFETIME_VALUE = Decimal("9999999999.99")  # Numeric(12, 2)
CENTS = Decimal("0.01")
YES_NO = {"yes": True, "y": True, "true": True, "1": True}
YES_NO |= {"no": False, "n": False, "false": False, "0": False}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LANGUAGE = re.compile(r"[a-z]{2}")
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


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


def normalize_phone(raw: str, region: str) -> str:
    """The number in E.164; national numbers are read as numbers of ``region``."""
    text = raw.strip()
    if not text:
        raise ValueError("phone is missing")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"phone {text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        how = "" if text.startswith("+") else f" (read as a number of region {region})"
        raise ValueError(f"phone {text!r} is not a valid number{how}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_name(raw: str) -> str:
    """The name with its whitespace collapsed; required, at most 120 characters."""
    name = " ".join(raw.split())
    if not name:
        raise ValueError("name is missing")
    if len(name) > 120:
        raise ValueError("name is longer than 120 characters")
    return name


def parse_email(raw: str) -> str:
    """An email address, checked for the shape ``someone@domain.tld``."""
    if len(raw) > 254 or not EMAIL.fullmatch(raw):
        raise ValueError(f"email {raw!r} is not an email address")
    return raw


def parse_language(raw: str) -> str:
    """A two-letter language code, lower case."""
    code = raw.lower()
    if not LANGUAGE.fullmatch(code):
        raise ValueError(f"language {raw!r} is not a 2-letter code such as en or es")
    return code


def parse_tier(raw: str) -> Tier:
    """A tier name, in any case."""
    try:
        return Tier(raw.lower())
    except ValueError:
        names = ", ".join(tier.value for tier in Tier)
        raise ValueError(f"tier {raw!r} is not one of {names}") from None


def parse_lifetime_value(raw: str) -> Decimal:
    """A plain decimal amount from 0 up to the column's limit, rounded to cents."""
    if not DECIMAL.fullmatch(raw):
        raise ValueError(f"lifetime_value {raw!r} is not a number such as 1250.50")
    try:
        value = Decimal(raw).quantize(CENTS, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"lifetime_value {raw!r} is too large") from None
    if value < 0:
        raise ValueError(f"lifetime_value {raw} is negative")
    if value > MAX_LIFETIME_VALUE:
        raise ValueError(f"lifetime_value {raw} is too large")
    return value


def parse_region(raw: str) -> str:
    """A free-form region label of at most 64 characters."""
    if len(raw) > 64:
        raise ValueError("region is longer than 64 characters")
    return raw


@cache
def _time_zones() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def parse_timezone(raw: str) -> str:
    """An IANA time zone name, spelled as the tz database spells it."""
    key = _time_zones().get(raw.lower())
    if key is None:
        raise ValueError(f"timezone {raw!r} is not an IANA time zone such as America/New_York")
    return key


def parse_accounts(raw: str) -> tuple[tuple[str, str], ...]:
    """``service:number`` pairs separated by semicolons, each account number once."""
    accounts: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        service, _, number = (part.strip() for part in entry.partition(":"))
        if not service or not number:
            raise ValueError(f"accounts entry {entry!r} is not service:number")
        if len(service) > 32 or len(number) > 32:
            raise ValueError(f"accounts entry {entry!r} is longer than 32 characters a side")
        if accounts.setdefault(number, service.lower()) != service.lower():
            raise ValueError(f"account {number} is listed twice with different services")
    return tuple((service, number) for number, service in accounts.items())


def parse_consent(column: str, raw: str) -> bool:
    """A yes/no answer: yes/no, true/false, 1/0 (y/n too), in any case."""
    answer = YES_NO.get(raw.lower())
    if answer is None:
        raise ValueError(f"{column} {raw!r} is not one of yes, no, true, false, 1, 0")
    return answer


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
    values = {column: cell.strip() for column, cell in zip(header.columns, cells, strict=False)}
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
