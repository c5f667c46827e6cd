"""``WEBHOOK_DEADLINE`` and ``STORE_TIMEOUT``: a webhook must be able to answer before Twilio
gives up on it (15 s), and a bad value stops the app with one line naming it."""

from __future__ import annotations

import pytest

from app.config import ConfigError, check_settings, load_settings


def test_a_webhook_has_5_seconds_unless_told_otherwise(tmp_path):
    assert load_settings(str(tmp_path), environ={})["WEBHOOK_DEADLINE"] == 5.0
    told = load_settings(str(tmp_path), environ={"WEBHOOK_DEADLINE": "3.5"})
    assert told["WEBHOOK_DEADLINE"] == 3.5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"WEBHOOK_DEADLINE": "soon"}, "WEBHOOK_DEADLINE must be a number of seconds, not 'soon'"),
        ({"WEBHOOK_DEADLINE": "0"}, "WEBHOOK_DEADLINE must be above 0 seconds, not 0"),
        ({"WEBHOOK_DEADLINE": "-1"}, "WEBHOOK_DEADLINE must be above 0 seconds, not -1"),
        ({"STORE_TIMEOUT": "fast"}, "STORE_TIMEOUT must be a number of seconds, not 'fast'"),
        ({"STORE_TIMEOUT": "0"}, "STORE_TIMEOUT must be above 0 seconds, not 0"),
        (
            {"WEBHOOK_DEADLINE": "11"},
            "WEBHOOK_DEADLINE plus STORE_TIMEOUT must be at most 12 seconds, as Twilio gives "
            "up on a webhook after 15, not 11 + 2",
        ),
        (
            {"WEBHOOK_DEADLINE": "5", "STORE_TIMEOUT": "8"},
            "WEBHOOK_DEADLINE plus STORE_TIMEOUT must be at most 12 seconds, as Twilio gives "
            "up on a webhook after 15, not 5 + 8",
        ),
    ],
    ids=[
        "a word",
        "zero",
        "negative",
        "a word for the store",
        "no store wait",
        "too long",
        "store waits too long",
    ],
)
def test_a_webhook_time_that_twilio_would_not_wait_for_is_refused_in_one_line(
    tmp_path, environ, message
):
    with pytest.raises(ConfigError) as refused:
        check_settings(load_settings(str(tmp_path), environ=environ))

    assert str(refused.value) == message


def test_the_longest_webhook_time_twilio_still_waits_for_is_accepted(tmp_path):
    environ = {"WEBHOOK_DEADLINE": "10", "STORE_TIMEOUT": "2"}

    check_settings(load_settings(str(tmp_path), environ=environ))


POSTGRES = "postgresql+psycopg://helpline@db.example.com/helpline"


def test_a_store_timeout_under_2_seconds_counts_as_2_on_postgresql_which_connects_no_faster(
    tmp_path,
):
    environ = {"WEBHOOK_DEADLINE": "11", "STORE_TIMEOUT": "1", "DATABASE_URL": POSTGRES}

    with pytest.raises(ConfigError) as refused:
        check_settings(load_settings(str(tmp_path), environ=environ))

    assert str(refused.value) == (
        "WEBHOOK_DEADLINE plus STORE_TIMEOUT must be at most 12 seconds, as Twilio gives up "
        "on a webhook after 15, not 11 + 1 (a connection to PostgreSQL may take 2 s, "
        "whatever STORE_TIMEOUT says)"
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"WEBHOOK_DEADLINE": "11", "STORE_TIMEOUT": "1"},
        {"WEBHOOK_DEADLINE": "10", "STORE_TIMEOUT": "1", "DATABASE_URL": POSTGRES},
    ],
    ids=["sqlite", "postgresql"],
)
def test_the_longest_webhook_time_with_a_short_store_timeout_is_accepted(tmp_path, environ):
    check_settings(load_settings(str(tmp_path), environ=environ))


def test_a_store_found_down_is_skipped_for_5_seconds_unless_told_otherwise(tmp_path):
    assert load_settings(str(tmp_path), environ={})["STORE_RETRY_SECONDS"] == 5.0
    told = load_settings(str(tmp_path), environ={"STORE_RETRY_SECONDS": "2.5"})
    assert told["STORE_RETRY_SECONDS"] == 2.5
