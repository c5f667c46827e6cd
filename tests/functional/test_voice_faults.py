"""Faults while answering a call end with a person: Redis down, database down, a broken flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ivr_flows import SHIPPED_FLOWS
from ivr_flows.languages import LANGUAGES
from tests.functional.voice import FALLBACK, MAIN_LINE, OPEN, destination, twiml
from tests.support import call_params, signed_post, unused_port


@pytest.fixture
def open_app(make_app):  # type: ignore[no-untyped-def]
    """Apps whose clock says the main line is open."""

    def make(**settings):  # type: ignore[no-untyped-def]
        app = make_app(**settings)
        app.config["CLOCK"] = lambda: OPEN
        return app

    return make


def test_menu_keeps_working_with_redis_down(open_app, database_url):
    app = open_app(DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{unused_port()}/0")
    params = call_params(To=MAIN_LINE)

    first = twiml(signed_post(app.test_client(), "/voice/incoming", params))
    second = twiml(
        signed_post(
            app.test_client(), first.find("Gather").get("action"), {**params, "Digits": "1"}
        )
    )
    third = twiml(
        signed_post(
            app.test_client(), second.find("Gather").get("action"), {**params, "Digits": "0"}
        )
    )

    assert second.find("Gather") is not None  # the main menu, not the fallback line
    # Without Redis there is no live queue to wait in: a person on the fallback line instead.
    assert destination(third) == ("dial", FALLBACK)


def test_incoming_call_dials_the_fallback_line_with_the_database_down(open_app, redis_client):
    port = unused_port()
    app = open_app(DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")

    root = twiml(signed_post(app.test_client(), "/voice/incoming", call_params(To=MAIN_LINE)))

    assert destination(root) == ("dial", FALLBACK)
    assert "sorry" in root.find("Say").text.lower()


def test_database_lost_mid_call_still_ends_with_a_person(
    open_app, database_url, redis_client, tmp_path
):
    app = open_app(DATABASE_URL=database_url)
    params = call_params(To=MAIN_LINE)
    first = twiml(signed_post(app.test_client(), "/voice/incoming", params))
    broken = open_app(DATABASE_URL=f"postgresql+psycopg://x@127.0.0.1:{unused_port()}/none")

    root = twiml(
        signed_post(
            broken.test_client(), first.find("Gather").get("action"), {**params, "Digits": "0"}
        )
    )

    assert destination(root)[0] in {"queue", "dial"}


def test_a_flow_that_raises_sends_the_caller_to_the_fallback_line(app, twilio_post, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr("app.services.calls.ivr.start", explode)

    root = twiml(twilio_post("/voice/incoming", call_params(To=MAIN_LINE)))

    assert destination(root) == ("dial", FALLBACK)


def test_the_fault_is_logged_with_the_call_sid(app, twilio_post, monkeypatch, caplog):
    monkeypatch.setattr("app.services.calls.ivr.start", lambda *a: 1 / 0)
    params = call_params(To=MAIN_LINE)

    twilio_post("/voice/incoming", params)

    record = next(r for r in caplog.records if "failed; dialing the fallback" in r.getMessage())
    assert record.context == f"CallSid={params['CallSid']}"
    assert record.exc_info is not None


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "flows"
    shutil.copytree(SHIPPED_FLOWS, directory)
    return directory


def test_a_broken_flow_file_is_never_served_and_the_last_good_version_stays(
    open_app, database_url, redis_client, flows_dir, caplog
):
    app = open_app(DATABASE_URL=database_url, FLOWS_DIR=str(flows_dir))
    app.extensions["ivr.flows"].check_interval = 0
    good = twiml(signed_post(app.test_client(), "/voice/incoming", call_params(To=MAIN_LINE)))
    main = flows_dir / "main.yaml"
    main.write_text(main.read_text().replace("type: queue", "type: dead_end", 1))

    after = twiml(signed_post(app.test_client(), "/voice/incoming", call_params(To=MAIN_LINE)))

    assert after.find("Gather") is not None
    assert after.find("Gather").find("Say").text == good.find("Gather").find("Say").text
    error = next(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "main.yaml:" in error and "dead_end" in error
    assert "keeping the last good version of main" in error


def test_with_no_usable_flow_at_all_callers_reach_the_fallback_line(
    open_app, database_url, redis_client, tmp_path
):
    empty = tmp_path / "none"
    empty.mkdir()
    app = open_app(DATABASE_URL=database_url, FLOWS_DIR=str(empty))

    root = twiml(signed_post(app.test_client(), "/voice/incoming", call_params(To=MAIN_LINE)))

    assert destination(root) == ("dial", FALLBACK)


@pytest.mark.parametrize(
    ("query", "locale", "apology"),
    [
        ("&l=es", "es-US", LANGUAGES["es"].sorry),
        ("&l=en", "en-US", LANGUAGES["en"].sorry),
        ("", "en-US", LANGUAGES["en"].sorry),
        ("&l=xx", "en-US", LANGUAGES["en"].sorry),
    ],
    ids=["spanish", "english", "no language", "unknown language"],
)
def test_the_fault_apology_is_in_the_callers_language_when_the_url_says_it(
    app, twilio_post, monkeypatch, query, locale, apology
):
    monkeypatch.setattr("app.services.calls.connecting.connect", lambda *a: 1 / 0)

    root = twiml(twilio_post(f"/voice/connect?agent=1&c=CA1&q=spanish{query}", call_params()))

    assert destination(root) == ("dial", FALLBACK)
    say = root.find("Say")
    assert (say.get("language"), say.text) == (locale, apology)


def test_a_fault_at_a_spanish_menu_step_apologizes_in_spanish(app, twilio_post, monkeypatch):
    app.config["CLOCK"] = lambda: OPEN
    params = call_params(To=MAIN_LINE)
    first = twiml(twilio_post("/voice/incoming", params))
    spanish = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "2"}))
    monkeypatch.setattr("app.services.calls.ivr.resume", lambda *a: 1 / 0)  # the engine fails

    root = twiml(twilio_post(spanish.find("Gather").get("action"), {**params, "Digits": "1"}))

    assert destination(root) == ("dial", FALLBACK)
    say = root.find("Say")
    assert (say.get("language"), say.text) == ("es-US", LANGUAGES["es"].sorry)
