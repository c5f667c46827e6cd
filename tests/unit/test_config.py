"""Settings: local defaults work, production refuses to start without its secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import DEV_AUTH_TOKEN, DEV_SECRET_KEY, ConfigError, check_settings, load_settings

A_SECRET_KEY = "0123456789abcdef" * 2  # 32 bytes: the shortest production accepts


def production(**environ: str) -> dict[str, str]:
    return {"HELPLINE_ENV": "production", "TWILIO_NUMBER": "+14155550100", **environ}


def refused(tmp_path, environ: dict[str, str]) -> str:
    """The message of the ConfigError these settings raise."""
    with pytest.raises(ConfigError) as raised:
        check_settings(load_settings(str(tmp_path), environ=environ))
    return str(raised.value)


def test_local_defaults_need_no_environment(tmp_path):
    settings = load_settings(str(tmp_path), environ={})

    check_settings(settings)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path}/helpline.db"
    assert settings["REDIS_URL"] == "redis://localhost:6379/0"
    assert settings["TWILIO_VALIDATE_SIGNATURES"] is True


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        (production(TWILIO_AUTH_TOKEN="t"), "SECRET_KEY"),
        (production(SECRET_KEY="s"), "TWILIO_AUTH_TOKEN"),
        (production(), "SECRET_KEY"),
        (
            production(SECRET_KEY=A_SECRET_KEY, TWILIO_AUTH_TOKEN="t", TWILIO_NUMBER=""),
            "TWILIO_NUMBER",
        ),
    ],
)
def test_production_refuses_to_start_without_a_required_setting(tmp_path, environ, missing):
    with pytest.raises(ConfigError, match=f"^{missing} must be set"):
        check_settings(load_settings(str(tmp_path), environ=environ))


@pytest.mark.parametrize(
    ("environ", "name"),
    [
        (production(SECRET_KEY=DEV_SECRET_KEY, TWILIO_AUTH_TOKEN="t"), "SECRET_KEY"),
        (
            production(SECRET_KEY=A_SECRET_KEY, TWILIO_AUTH_TOKEN=DEV_AUTH_TOKEN),
            "TWILIO_AUTH_TOKEN",
        ),
    ],
)
def test_production_refuses_the_published_development_values(tmp_path, environ, name):
    assert refused(tmp_path, environ) == (
        f"{name} is the published development value; set your own when HELPLINE_ENV=production"
    )


def test_production_refuses_a_secret_key_shorter_than_32_bytes(tmp_path):
    environ = production(SECRET_KEY=A_SECRET_KEY[:-1], TWILIO_AUTH_TOKEN="t")

    assert refused(tmp_path, environ).startswith(
        "SECRET_KEY must be at least 32 bytes when HELPLINE_ENV=production"
    )


def test_production_starts_with_a_32_byte_secret_key_and_a_real_auth_token(tmp_path):
    environ = production(SECRET_KEY=A_SECRET_KEY, TWILIO_AUTH_TOKEN="t")

    check_settings(load_settings(str(tmp_path), environ=environ))


def test_production_refuses_to_turn_signature_checks_off(tmp_path):
    environ = production(
        SECRET_KEY=A_SECRET_KEY, TWILIO_AUTH_TOKEN="t", TWILIO_VALIDATE_SIGNATURES="0"
    )

    with pytest.raises(ConfigError, match="TWILIO_VALIDATE_SIGNATURES"):
        check_settings(load_settings(str(tmp_path), environ=environ))


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="HELPLINE_ENV"):
        check_settings(load_settings(str(tmp_path), environ={"HELPLINE_ENV": "prod"}))


def test_offers_wait_20_seconds_for_an_answer_unless_told_otherwise(tmp_path):
    assert load_settings(str(tmp_path), environ={})["OFFER_TIMEOUT"] == 20.0
    assert load_settings(str(tmp_path), environ={"OFFER_TIMEOUT": "45"})["OFFER_TIMEOUT"] == 45.0


@pytest.mark.parametrize(("value", "message"), [("soon", "a number of seconds"), ("0", "above 0")])
def test_an_offer_timeout_that_is_not_a_positive_number_is_refused(tmp_path, value, message):
    with pytest.raises(ConfigError, match=f"OFFER_TIMEOUT must be {message}"):
        check_settings(load_settings(str(tmp_path), environ={"OFFER_TIMEOUT": value}))


SECONDS = (
    "STORE_TIMEOUT",
    "STORE_RETRY_SECONDS",
    "OFFER_TIMEOUT",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_LIFETIME",
)


@pytest.mark.parametrize("name", SECONDS)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "must be a number of seconds, not 'abc'"),
        ("-1", "must be above 0 seconds, not -1"),
        ("0", "must be above 0 seconds, not 0"),
        ("nan", "must be a finite number of seconds, not nan"),
        ("inf", "must be a finite number of seconds, not inf"),
    ],
)
def test_a_duration_that_is_not_a_positive_number_is_refused_naming_it(
    tmp_path, name, value, message
):
    assert refused(tmp_path, {name: value}) == f"{name} {message}"


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_proxy_count_that_is_not_a_whole_number_is_refused(tmp_path, value):
    assert refused(tmp_path, {"TRUSTED_PROXIES": value}).startswith("TRUSTED_PROXIES must be")


@pytest.mark.parametrize(
    "name",
    [
        "LOGIN_LIMIT_PER_ACCOUNT",
        "LOGIN_LIMIT_PER_ADDRESS",
        "COMMUNITY_POST_LIMIT",
        "COMMUNITY_SIGNUP_LIMIT",
        "COMMUNITY_FLAG_LIMIT",
        "STATUS_SUBSCRIBE_LIMIT",
    ],
)
@pytest.mark.parametrize("value", ["often", "5 per fortnight", "0 per minute"])
def test_a_rate_limit_that_cannot_be_read_is_refused(tmp_path, name, value):
    assert refused(tmp_path, {name: value}) == (
        f"{name} must be rate limits like '5 per minute; 20 per hour', not {value!r}"
    )


def test_sessions_last_a_shift_and_log_ins_are_limited_unless_told_otherwise(tmp_path):
    settings = load_settings(str(tmp_path), environ={})

    assert (settings["SESSION_IDLE_TIMEOUT"], settings["SESSION_LIFETIME"]) == (1800.0, 43200.0)
    assert settings["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per minute; 20 per hour"
    assert settings["LOGIN_LIMIT_PER_ADDRESS"] == "20 per minute; 100 per hour"
    assert settings["TRUSTED_PROXIES"] == 0


def test_community_writes_are_limited_unless_told_otherwise(tmp_path):
    settings = load_settings(str(tmp_path), environ={"COMMUNITY_FLAG_LIMIT": "3/hour"})

    assert settings["COMMUNITY_POST_LIMIT"] == "6 per minute; 40 per day"
    assert settings["COMMUNITY_SIGNUP_LIMIT"] == "5 per hour; 20 per day"
    assert settings["COMMUNITY_FLAG_LIMIT"] == "3/hour"


def test_subscribing_to_status_texts_is_limited_unless_told_otherwise(tmp_path):
    settings = load_settings(str(tmp_path), environ={})

    assert settings["STATUS_SUBSCRIBE_LIMIT"] == "3 per hour; 10 per day"


def test_public_base_url_loses_its_trailing_slash(tmp_path):
    environ = {"PUBLIC_BASE_URL": "https://example.com/"}

    assert load_settings(str(tmp_path), environ=environ)["PUBLIC_BASE_URL"] == (
        "https://example.com"
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TWILIO_VALIDATE_SIGNATURES": "ture"}, "TWILIO_VALIDATE_SIGNATURES must be one of"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING"),
        ({"DATABASE_URL": "garbage"}, "DATABASE_URL must be a database URL"),
        ({"DATABASE_URL": "mysql://host/db"}, "DATABASE_URL must be a database URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"ROUTING_WEIGHTS": "/no/such/weights.yaml"}, "ROUTING_WEIGHTS names no file"),
    ],
)
def test_a_setting_the_app_could_not_use_is_refused_in_one_line(tmp_path, environ, message):
    assert refused(tmp_path, environ).startswith(message)


def test_a_typo_of_true_never_turns_signature_checks_off(tmp_path):
    assert "ture" in refused(tmp_path, {"TWILIO_VALIDATE_SIGNATURES": "ture"})
    on = load_settings(str(tmp_path), environ={"TWILIO_VALIDATE_SIGNATURES": "Yes"})
    assert on["TWILIO_VALIDATE_SIGNATURES"] is True


def test_a_log_level_is_taken_in_any_case(tmp_path):
    settings = load_settings(str(tmp_path), environ={"LOG_LEVEL": " debug "})

    check_settings(settings)
    assert settings["LOG_LEVEL"] == "DEBUG"


def test_a_weights_file_with_mistakes_stops_the_app_with_its_problems(tmp_path, make_app):
    weights = tmp_path / "weights.yaml"
    weights.write_text("tiers: [platinum\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"^ROUTING_WEIGHTS: .*weights.yaml"):
        make_app(ROUTING_WEIGHTS=str(weights))


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SECRET_"))}
    env.update(HELPLINE_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite")
    return env


def test_cli_names_the_missing_variable_in_one_line(production_env):
    result = run([sys.executable, "-m", "app.cli", "db", "upgrade"], production_env)

    assert result.returncode != 0
    assert result.stderr.strip() == "Error: SECRET_KEY must be set when HELPLINE_ENV=production"


def test_wsgi_entry_names_the_missing_variable_in_one_line(production_env):
    production_env["SECRET_KEY"] = "s"

    result = run([sys.executable, "-c", "import app.wsgi"], production_env)

    assert result.returncode == 4
    assert result.stderr.strip() == (
        "helpline: TWILIO_AUTH_TOKEN must be set when HELPLINE_ENV=production"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "STORE_TIMEOUT must be a number of seconds, not 'abc'"),
        ("inf", "STORE_TIMEOUT must be a finite number of seconds, not inf"),
    ],
)
def test_cli_names_a_bad_store_timeout_in_one_line(production_env, value, message):
    production_env.update(HELPLINE_ENV="development", STORE_TIMEOUT=value)

    result = run([sys.executable, "-m", "app.cli", "db", "upgrade"], production_env)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"Error: {message}"]


def test_wsgi_entry_refuses_a_short_secret_key_in_one_line(production_env):
    production_env.update(
        SECRET_KEY="too-short", TWILIO_AUTH_TOKEN="t", TWILIO_NUMBER="+14155550100"
    )

    result = run([sys.executable, "-c", "import app.wsgi"], production_env)

    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        "helpline: SECRET_KEY must be at least 32 bytes when HELPLINE_ENV=production; "
        "make one with: openssl rand -hex 32"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BROADCAST_MPS", "-1", "BROADCAST_MPS must be a number from 0 to 10000, not -1.0"),
        ("BROADCAST_MPS", "nan", "BROADCAST_MPS must be a number from 0 to 10000, not nan"),
        ("BROADCAST_MPS", "fast", "BROADCAST_MPS must be a number, not 'fast'"),
        ("BROADCAST_CPS", "-2", "BROADCAST_CPS must be a number from 0 to 10000, not -2.0"),
        ("BROADCAST_CPS", "often", "BROADCAST_CPS must be a number, not 'often'"),
        ("BROADCAST_JOBS", "0", "BROADCAST_JOBS must be a whole number from 1 to 100, not 0"),
    ],
)
def test_a_broadcast_rate_or_job_count_that_makes_no_sense_is_refused(
    tmp_path, name, value, message
):
    assert refused(tmp_path, {name: value}) == message


def test_broadcasts_go_at_twilios_long_code_rate_unless_told_otherwise(tmp_path):
    settings = load_settings(str(tmp_path), environ={})

    assert (settings["BROADCAST_MPS"], settings["BROADCAST_JOBS"]) == (1.0, 2)
    assert settings["BROADCAST_CPS"] == 1.0  # Twilio's calls per second for an account
