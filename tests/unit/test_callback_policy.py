"""The callback policy's rules: which numbers we never call back, and why. No I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.callback_settings import check_callback_settings
from app.config import ConfigError, check_settings, load_settings
from app.services.callbacks.callback_policy import Policy, Refusal, judge, make_policy

OUR_TWILIO_NUMBER = "+14155550100"
OUR_FLOW_NUMBER = "+15558675310"  # what the shipped main line answers: not a valid number


def policy(**settings: Any) -> Policy:
    """The policy of a helpline in the US, with ``settings`` changed."""
    base: dict[str, Any] = {
        "DEFAULT_REGION": "US",
        "TWILIO_NUMBER": OUR_TWILIO_NUMBER,
        "FALLBACK_NUMBER": "+15005550006",
        "CALLBACK_COUNTRIES": "",
        "CALLBACK_OWN_NUMBERS": "",
        "CALLBACK_LIMIT_PER_NUMBER": 3,
        "CALLBACK_LIMIT_PER_HOUR": 100,
    }
    return make_policy({**base, **settings}, flow_numbers=[OUR_FLOW_NUMBER])


@pytest.mark.parametrize(
    ("number", "countries", "refusal"),
    [
        ("+19005551234", "", Refusal.NUMBER_TYPE),  # US premium rate
        ("+448712345678", "GB", Refusal.NUMBER_TYPE),  # UK premium rate
        ("+34901123456", "ES", Refusal.NUMBER_TYPE),  # Spanish shared cost
        ("+445512345678", "GB", Refusal.NUMBER_TYPE),  # UK universal access number (UAN)
        ("+49177991234567", "DE", Refusal.NUMBER_TYPE),  # German voicemail access
        ("+447012345678", "GB", Refusal.NUMBER_TYPE),  # UK personal number: forwards anywhere
        ("+447640123456", "GB", Refusal.NUMBER_TYPE),  # UK pager: nobody can talk on it
        ("+15335550123", "", Refusal.NUMBER_TYPE),  # US personal communication service (533)
        ("+882161234567", "", Refusal.NO_COUNTRY),  # an international network
        ("+881612345678", "", Refusal.NO_COUNTRY),  # a satellite phone (Iridium)
        ("+2693212345", "", Refusal.COUNTRY),  # Comoros
        ("+18762345678", "", Refusal.COUNTRY),  # Jamaica dials like the US: +1 876
        ("+266696687", "", Refusal.WITHHELD),
        ("anonymous", "", Refusal.INVALID),
        ("", "", Refusal.INVALID),
        ("+15550001111", "", Refusal.INVALID),
    ],
)
def test_numbers_that_cost_us_or_reach_nobody_are_refused(
    number: str, countries: str, refusal: Refusal
) -> None:
    verdict = judge(number, policy(CALLBACK_COUNTRIES=countries))

    assert verdict.refusal is refusal
    assert not verdict.allowed


@pytest.mark.parametrize(
    ("number", "settings"),
    [
        (OUR_TWILIO_NUMBER, {}),
        ("+1 (415) 555-0100", {}),  # the same number, written otherwise
        ("+15005550006", {}),  # the fallback line
        (OUR_FLOW_NUMBER, {}),  # a number a flow answers, valid or not
        ("+12025550142", {"CALLBACK_OWN_NUMBERS": "+13125550100, +12025550142"}),
    ],
)
def test_our_own_numbers_are_never_called_back(number: str, settings: dict[str, str]) -> None:
    assert judge(number, policy(**settings)).refusal is Refusal.OURS


def test_a_uk_mobile_is_still_called_back_where_gb_is_served() -> None:
    verdict = judge("+447400123456", policy(CALLBACK_COUNTRIES="GB"))

    assert (verdict.number, verdict.refusal) == ("+447400123456", None)


def test_a_number_of_a_served_country_is_allowed_in_e164() -> None:
    verdict = judge("+14155550123", policy())

    assert verdict.allowed
    assert verdict.number == "+14155550123"


def test_digits_typed_on_the_keypad_are_read_in_the_default_region() -> None:
    verdict = judge("4155550123", policy())

    assert (verdict.number, verdict.refusal) == ("+14155550123", None)


def test_callback_countries_default_to_the_default_region_and_can_list_more() -> None:
    canada = "+16042345678"

    assert judge(canada, policy()).refusal is Refusal.COUNTRY
    assert judge(canada, policy(CALLBACK_COUNTRIES="us, ca")).allowed
    assert judge(canada, policy(DEFAULT_REGION="CA")).allowed
    assert judge("+14155550123", policy(CALLBACK_COUNTRIES="CA")).refusal is Refusal.COUNTRY


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"CALLBACK_COUNTRIES": "US,USA"}, "CALLBACK_COUNTRIES must be ISO country codes"),
        ({"DEFAULT_REGION": "XX"}, "CALLBACK_COUNTRIES is not set and DEFAULT_REGION"),
        ({"CALLBACK_OWN_NUMBERS": "+14155550100,0800"}, "CALLBACK_OWN_NUMBERS must be E.164"),
        ({"CALLBACK_LIMIT_PER_HOUR": -1}, "CALLBACK_LIMIT_PER_HOUR must be a whole number"),
    ],
)
def test_callback_settings_the_policy_cannot_apply_are_refused_in_one_line(
    settings: dict[str, Any], message: str
) -> None:
    base = {"DEFAULT_REGION": "US", "CALLBACK_LIMIT_PER_NUMBER": 3, "CALLBACK_LIMIT_PER_HOUR": 100}

    with pytest.raises(ConfigError, match=f"^{message}") as raised:
        check_callback_settings({**base, **settings})
    assert "\n" not in str(raised.value)


def test_callback_limits_default_to_3_per_number_and_100_an_hour(tmp_path: Path) -> None:
    defaults = load_settings(str(tmp_path), environ={})
    changed = load_settings(str(tmp_path), environ={"CALLBACK_LIMIT_PER_NUMBER": "5"})

    assert (defaults["CALLBACK_LIMIT_PER_NUMBER"], defaults["CALLBACK_LIMIT_PER_HOUR"]) == (3, 100)
    assert changed["CALLBACK_LIMIT_PER_NUMBER"] == 5


def test_a_callback_limit_that_is_not_a_whole_number_stops_the_app(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="^CALLBACK_LIMIT_PER_HOUR must be a whole number"):
        check_settings(load_settings(str(tmp_path), environ={"CALLBACK_LIMIT_PER_HOUR": "lots"}))
