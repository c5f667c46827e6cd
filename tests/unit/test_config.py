"""Settings: local defaults work, production refuses to start without its secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import ConfigError, check_settings, load_settings


def production(**environ: str) -> dict[str, str]:
    return {"HELPLINE_ENV": "production", **environ}


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
    ],
)
def test_production_refuses_to_start_without_a_required_setting(tmp_path, environ, missing):
    with pytest.raises(ConfigError, match=f"^{missing} must be set"):
        check_settings(load_settings(str(tmp_path), environ=environ))


def test_production_refuses_to_turn_signature_checks_off(tmp_path):
    environ = production(SECRET_KEY="s", TWILIO_AUTH_TOKEN="t", TWILIO_VALIDATE_SIGNATURES="0")

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


def test_public_base_url_loses_its_trailing_slash(tmp_path):
    environ = {"PUBLIC_BASE_URL": "https://example.com/"}

    assert load_settings(str(tmp_path), environ=environ)["PUBLIC_BASE_URL"] == (
        "https://example.com"
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)


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
