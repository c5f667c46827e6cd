"""Phone numbers: E.164 normalization, and what a number is (country, type) by ``phonenumbers``.

One place for both, so the IVR, the callback policy, the agent's view of a callback and the
customer import agree on what a number is.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder

# Country code 800, 808, 870, 881, 882, 883, 888, 979: numbers of no country (international
# freephone, satellite phones, international networks, premium rate).
NON_GEOGRAPHIC = "001"


@dataclass(frozen=True)
class NumberFacts:
    """What a number is, as far as ``phonenumbers``' metadata knows."""

    number: str  # E.164 when it parsed, else the text as given
    valid: bool  # a number that can exist (right length and prefix for its country)
    region: str  # ISO 3166-1 alpha-2, NON_GEOGRAPHIC, or "" when unknown
    country: str  # in English: "United States", "International network", "" when unknown
    kind: str  # the number type in lower case: mobile, fixed_line, premium_rate, voip, ...


def parse(text: str, region: str = "") -> phonenumbers.PhoneNumber | None:
    """The number ``text`` names (``region`` for national formats), None if it names none."""
    text = (text or "").strip()
    if not text or len(text) > 32:
        return None
    try:
        return phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        return None


def normalize(text: str, region: str = "") -> str | None:
    """``text`` in E.164 if it is a valid number (national formats read in ``region``)."""
    number = parse(text, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def facts(text: str, region: str = "") -> NumberFacts:
    """The country and type of the number ``text`` (E.164, or national in ``region``)."""
    number = parse(text, region)
    if number is None:
        return NumberFacts(number=(text or "").strip(), valid=False, region="", country="", kind="")
    code = phonenumbers.region_code_for_number(number) or ""
    return NumberFacts(
        number=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        valid=phonenumbers.is_valid_number(number),
        region=code,
        country=country_name(code),
        kind=phonenumbers.PhoneNumberType.to_string(phonenumbers.number_type(number)).lower(),
    )


def country_name(region: str) -> str:
    """The English name of an ISO region code ("" when unknown)."""
    if region == NON_GEOGRAPHIC:
        return "International network"
    if not region:
        return ""
    # geocoder's own table of region names; country_name_for_number gives "" for numbers
    # that are not tied to a place (premium rate, personal numbers), which we still name.
    return str(geocoder._region_display_name(region, "en")) or region
