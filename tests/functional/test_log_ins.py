"""Log-ins: failures throttled per account and per client address, and an unknown email
costs the same password hashing as a wrong password."""

from __future__ import annotations

import hashlib
import time

import pytest
from itsdangerous.timed import TimestampSigner

from app.extensions import db
from tests.functional.logins import Browser, staff


@pytest.fixture
def browser(app) -> Browser:  # type: ignore[no-untyped-def]
    staff("ana@example.com")
    return Browser.of(app)


def fail(browser: Browser, times: int, email: str = "ana@example.com", **kwargs) -> list[int]:  # type: ignore[no-untyped-def]
    return [browser.log_in(email, "wrong", **kwargs).status_code for _ in range(times)]


def test_after_5_failures_in_a_minute_even_the_right_password_waits(browser):
    assert fail(browser, 5) == [401] * 5

    response = browser.log_in("ana@example.com", "secret")

    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert response.get_json() == {"error": f"too many failed log-ins: try again in {wait} seconds"}


def test_successful_log_ins_are_not_counted(browser):
    statuses = [browser.log_in().status_code for _ in range(10)]

    assert statuses == [200] * 10


def test_the_account_limit_ignores_case_and_spaces_around_the_email(browser):
    fail(browser, 5, " ANA@Example.com ")

    assert browser.log_in("ana@example.com", "secret").status_code == 429


def test_failures_on_one_account_do_not_lock_another(browser):
    staff("ben@example.com")
    fail(browser, 5)

    assert browser.log_in("ben@example.com", "secret").status_code == 200


@pytest.fixture
def three_per_address(make_app, database_url, browser):  # type: ignore[no-untyped-def]
    """A browser on the app again, allowing 3 failures a minute per address; Ana exists."""

    def make(**settings: object) -> Browser:
        app = make_app(DATABASE_URL=database_url, LOGIN_LIMIT_PER_ADDRESS="3/minute", **settings)
        return Browser.of(app)

    return make


def test_an_address_trying_many_accounts_is_stopped(three_per_address):
    browser = three_per_address()
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        fail(browser, 1, email)

    assert browser.log_in("ana@example.com", "secret").status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_address_does_not_escape(three_per_address):
    browser = three_per_address()
    for n, email in enumerate(("a@example.com", "b@example.com", "c@example.com")):
        fail(browser, 1, email, headers={"X-Forwarded-For": f"203.0.113.{n}"})

    response = browser.log_in(headers={"X-Forwarded-For": "203.0.113.99"})

    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(three_per_address):
    browser = three_per_address(TRUSTED_PROXIES=1)
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        fail(browser, 1, email, headers={"X-Forwarded-For": "203.0.113.1"})

    other_client = browser.log_in(headers={"X-Forwarded-For": "198.51.100.7"})
    same_client = browser.log_in(headers={"X-Forwarded-For": "203.0.113.1"})

    assert (other_client.status_code, same_client.status_code) == (200, 429)


def test_an_ipv6_client_rotating_through_its_block_is_counted_as_one(three_per_address):
    browser = three_per_address(TRUSTED_PROXIES=1)
    for n, email in enumerate(("a@example.com", "b@example.com", "c@example.com")):
        fail(browser, 1, email, headers={"X-Forwarded-For": f"2001:db8:1:2::{n + 1}"})

    rotated = browser.log_in(headers={"X-Forwarded-For": "2001:db8:1:2:ffff::9"})
    neighbour = browser.log_in(headers={"X-Forwarded-For": "2001:db8:1:3::1"})

    assert (rotated.status_code, neighbour.status_code) == (429, 200)


def test_a_csrf_token_from_log_in_still_works_hours_later(browser, monkeypatch):
    browser.log_in()
    token = browser.token()
    five_hours_later = int(time.time()) + 5 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: five_hours_later)

    response = browser.open("DELETE", "/api/session", headers={"X-CSRFToken": token})

    assert response.status_code == 200, response.get_json()


@pytest.fixture
def hashings(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Each password hash computed (werkzeug's default method is scrypt)."""
    computed: list[str] = []
    scrypt = hashlib.scrypt

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append("scrypt")
        return scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return computed


def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(browser, hashings):
    staff("gone@example.com").active = False
    db.session.commit()
    browser.log_in("nobody@example.com", "x")  # the stand-in hash is made once, on first use
    tries = {
        ("ana@example.com", "wrong"): "a wrong password",
        ("nobody@example.com", "wrong"): "an unknown email",
        ("gone@example.com", "secret"): "a deactivated login",
    }

    answers = {}
    for (email, password), what in tries.items():
        hashings.clear()
        answers[what] = (browser.log_in(email, password).status_code, len(hashings))

    assert answers == {what: (401, 1) for what in tries.values()}
