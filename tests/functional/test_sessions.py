"""Staff sessions: the cookie's flags, log-out ends a session on the server, sessions expire,
a new password or a deactivated login ends them, and Redis down refuses instead of guessing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.session_store import SessionStore
from tests.functional.desks import FakeClock
from tests.functional.logins import Browser
from tests.functional.voice import staff_queues
from tests.support import unused_port

MINUTE = 60.0


@pytest.fixture
def session_clock(app) -> FakeClock:  # type: ignore[no-untyped-def]
    """The clock the session store reads, with the default idle time and lifetime."""
    clock = FakeClock()
    app.extensions["sessions.store"] = SessionStore(
        app.extensions["redis"],
        idle=app.config["SESSION_IDLE_TIMEOUT"],
        lifetime=app.config["SESSION_LIFETIME"],
        clock=clock,
    )
    return clock


@pytest.fixture
def ana(app, session_clock) -> User:  # type: ignore[no-untyped-def]
    """Ana, an agent (offline), whose password is "secret"."""
    staff_queues(app, presence="offline")
    user = db.session.scalars(select(User)).one()
    user.set_password("secret")
    db.session.commit()
    return user


@pytest.fixture
def browser(app) -> Browser:  # type: ignore[no-untyped-def]
    return Browser.of(app)


def test_the_session_cookie_is_httponly_and_samesite_lax(ana, browser):
    response = browser.log_in()

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # a local run is plain HTTP


def test_in_production_the_session_cookie_is_secure_too(make_app, database_url):
    production = make_app(
        DATABASE_URL=database_url,
        HELPLINE_ENV="production",
        SECRET_KEY="k" * 32,
        TWILIO_NUMBER="+14155550100",
    )

    response = Browser.of(production).open("GET", "/api/session")

    cookie = response.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_cookie_copied_before_log_out_no_longer_works(ana, browser):
    browser.log_in()
    thief = browser.copy()
    assert thief.at_work() == 200

    assert browser.log_out().status_code == 200

    assert thief.at_work() == 401
    assert thief.logged_in_as() is None


def test_logging_in_again_ends_the_session_the_browser_had(ana, browser):
    browser.log_in()
    before = browser.copy()

    browser.log_in()

    assert before.at_work() == 401
    assert browser.at_work() == 200


def test_a_session_unused_for_30_minutes_ends(ana, browser, session_clock):
    browser.log_in()
    session_clock.advance(30 * MINUTE - 1)
    assert browser.at_work() == 200

    session_clock.advance(30 * MINUTE + 1)

    assert browser.at_work() == 401


def test_a_session_in_use_lasts_12_hours_and_no_longer(ana, browser, session_clock):
    browser.log_in()
    for _ in range(35):  # 11 h 40 min of work, a request every 20 minutes
        session_clock.advance(20 * MINUTE)
        assert browser.at_work() == 200

    session_clock.advance(20 * MINUTE + 1)  # 12 h and a second since log-in

    assert browser.at_work() == 401


def test_a_new_password_ends_every_session_of_that_user(ana, app, browser, runner):
    browser.log_in()
    other_browser = Browser.of(app)
    other_browser.log_in()

    result = runner.invoke(
        args=["users", "set-password", "ana@example.com"], input="n3w-pass\nn3w-pass\n"
    )

    assert result.exit_code == 0, result.output
    assert (browser.at_work(), other_browser.at_work()) == (401, 401)
    assert Browser.of(app).log_in(password="n3w-pass").status_code == 200


def test_a_deactivated_login_stays_logged_out_once_activated_again(ana, app, browser, runner):
    browser.log_in()

    assert runner.invoke(args=["users", "deactivate", "ana@example.com"]).exit_code == 0
    assert Browser.of(app).log_in().status_code == 401
    assert runner.invoke(args=["users", "activate", "ana@example.com"]).exit_code == 0

    assert browser.at_work() == 401
    assert browser.log_in().status_code == 200


@pytest.fixture
def redis_down(make_app, database_url):  # type: ignore[no-untyped-def]
    """The app again, on the same database, with its Redis not answering."""
    return make_app(DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{unused_port()}/0")


def test_with_redis_down_a_logged_in_request_gets_503_not_a_guess(ana, browser, redis_down):
    browser.log_in()

    response = browser.copy(redis_down).open("GET", "/api/agent/offer")

    assert response.status_code == 503
    assert "Redis" in response.get_json()["error"]


def test_with_redis_down_logging_in_gets_503(ana, redis_down):
    response = Browser.of(redis_down).log_in()

    assert response.status_code == 503
    assert "Redis" in response.get_json()["error"]


def test_with_redis_down_a_new_password_is_set_and_the_command_says_sessions_were_not_ended(
    ana, redis_down
):
    with redis_down.app_context():
        result = redis_down.test_cli_runner().invoke(
            args=["users", "set-password", "ana@example.com"], input="n3w-pass\nn3w-pass\n"
        )

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: Password changed for ana@example.com, but their sessions could not be ended: "
        "Redis does not answer; run this again when it does"
    )
    db.session.refresh(ana)
    assert ana.check_password("n3w-pass")
