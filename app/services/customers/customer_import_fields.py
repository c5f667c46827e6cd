"""Reading one customer field: each column's rules, and limits taken from the columns themselves.

A value that passes here fits its column on SQLite and PostgreSQL alike: no control characters
(PostgreSQL refuses NUL outright), no more characters than the column holds, no amount beyond
its Numeric precision.
"""

from __future__ import annotations

import re
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

import phonenumbers

from app.models import Account, Customer, Tier

CENTS = Decimal("0.01")
YES_NO = {"yes": True, "y": True, "true": True, "1": True}
YES_NO |= {"no": False, "n": False, "false": False, "0": False}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LANGUAGE = re.compile(r"[a-z]{2}")
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# C0 and C1 controls, DEL, and the bidi controls that reorder what an agent reads on screen:
# none belongs in a name or an address, and PostgreSQL refuses NUL outright.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A name may hold tabs and line breaks (a spreadsheet cell with line breaks): they are spaces.
NAME_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What a cell is trimmed of: whitespace, but not the controls Python counts as whitespace.
TRIMMED = "".join(
    char
    for char in map(chr, range(0x3001))
    if char.isspace() and (char in " \t\r\n" or not CONTROL.match(char))
)
SHOWN = 40  # characters of a rejected value that a reason repeats


def _length(column: Any) -> int:
    """The most characters a String column holds, as its table declares."""
    return int(column.type.length)


def _largest(column: Any) -> Decimal:
    """The largest amount a Numeric(precision, scale) column holds."""
    precision, scale = int(column.type.precision), int(column.type.scale)
    return Decimal(10) ** (precision - scale) - Decimal(10) ** -scale


# The limits are the columns' own, so PostgreSQL never refuses a row the checks accepted.
NAME_LENGTH = _length(Customer.__table__.c.name)
EMAIL_LENGTH = _length(Customer.__table__.c.email)
REGION_LENGTH = _length(Customer.__table__.c.region)
TIMEZONE_LENGTH = _length(Customer.__table__.c.timezone)
ACCOUNT_LENGTH = min(_length(Account.__table__.c.number), _length(Account.__table__.c.service))
MAX_LIFETIME_VALUE = _largest(Customer.__table__.c.lifetime_value)


def shown(raw: str) -> str:
    """A value as a reason repeats it: quoted, escaped, and cut short if long."""
    return repr(raw if len(raw) <= SHOWN else raw[:SHOWN] + "…")


def check_text(column: str, raw: str, control: re.Pattern[str] = CONTROL) -> str:
    """``raw`` unless it holds a control character, which is named with its place."""
    found = control.search(raw)
    if found:
        where = f"(U+{ord(found.group()):04X}) at character {found.start() + 1}"
        raise ValueError(f"{column} has a control character {where}")
    return raw


def normalize_phone(raw: str, region: str) -> str:
    """The number in E.164; national numbers are read as numbers of ``region``."""
    text = check_text("phone", raw.strip())
    if not text:
        raise ValueError("phone is missing")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"phone {shown(text)} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        how = "" if text.startswith("+") else f" (read as a number of region {region})"
        raise ValueError(f"phone {shown(text)} is not a valid number{how}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_name(raw: str) -> str:
    """The name with its whitespace collapsed; required, and no longer than its column."""
    name = " ".join(check_text("name", raw, NAME_CONTROL).split())
    if not name:
        raise ValueError("name is missing")
    if len(name) > NAME_LENGTH:
        raise ValueError(f"name is longer than {NAME_LENGTH} characters")
    return name


def parse_email(raw: str) -> str:
    """An email address, checked for the shape ``someone@domain.tld``."""
    check_text("email", raw)
    if len(raw) > EMAIL_LENGTH:
        raise ValueError(f"email is longer than {EMAIL_LENGTH} characters")
    if not EMAIL.fullmatch(raw):
        raise ValueError(f"email {shown(raw)} is not an email address")
    return raw


def parse_language(raw: str) -> str:
    """A two-letter language code, lower case."""
    code = raw.lower()
    if not LANGUAGE.fullmatch(code):
        raise ValueError(f"language {shown(raw)} is not a 2-letter code such as en or es")
    return code


def parse_tier(raw: str) -> Tier:
    """A tier name, in any case."""
    try:
        return Tier(raw.lower())
    except ValueError:
        names = ", ".join(tier.value for tier in Tier)
        raise ValueError(f"tier {shown(raw)} is not one of {names}") from None


def parse_lifetime_value(raw: str) -> Decimal:
    """A plain decimal amount from 0 up to the column's limit, rounded to cents."""
    if not DECIMAL.fullmatch(raw):
        raise ValueError(f"lifetime_value {shown(raw)} is not a number such as 1250.50")
    try:
        value = Decimal(raw).quantize(CENTS, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"lifetime_value {shown(raw)} is too large") from None
    if value < 0:
        raise ValueError(f"lifetime_value {shown(raw)[1:-1]} is negative")
    if value > MAX_LIFETIME_VALUE:
        raise ValueError(f"lifetime_value {shown(raw)[1:-1]} is too large")
    return value


def parse_region(raw: str) -> str:
    """A free-form region label, no longer than its column."""
    if len(check_text("region", raw)) > REGION_LENGTH:
        raise ValueError(f"region is longer than {REGION_LENGTH} characters")
    return raw


@cache
def _time_zones() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def parse_timezone(raw: str) -> str:
    """An IANA time zone name, spelled as the tz database spells it."""
    key = _time_zones().get(raw.lower())
    if key is None or len(key) > TIMEZONE_LENGTH:
        example = "such as America/New_York"
        raise ValueError(f"timezone {shown(raw)} is not an IANA time zone {example}")
    return key


def parse_accounts(raw: str) -> tuple[tuple[str, str], ...]:
    """``service:number`` pairs separated by semicolons, each account number once."""
    accounts: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in check_text("accounts", raw).split(";"))):
        service, _, number = (part.strip() for part in entry.partition(":"))
        if not service or not number:
            raise ValueError(f"accounts entry {shown(entry)} is not service:number")
        service = service.lower()  # which may lengthen it: "İ" is two characters in lower case
        for side, value in (("number", number), ("service", service)):
            if len(value) > ACCOUNT_LENGTH:
                limit = f"longer than {ACCOUNT_LENGTH} characters"
                raise ValueError(f"account {side} {shown(value)} is {limit}")
        if accounts.setdefault(number, service) != service:
            raise ValueError(f"account {number} is listed twice with different services")
    return tuple((service, number) for number, service in accounts.items())


def parse_consent(column: str, raw: str) -> bool:
    """A yes/no answer: yes/no, true/false, 1/0 (y/n too), in any case."""
    answer = YES_NO.get(raw.lower())
    if answer is None:
        raise ValueError(f"{column} {shown(raw)} is not one of yes, no, true, false, 1, 0")
    return answer
