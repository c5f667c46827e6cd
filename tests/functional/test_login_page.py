"""The log-in page: staff land on their role's page; pages refuse the logged-out and the
wrong role; forms need their CSRF token; every answer carries the security headers."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.extensions import db
from app.models import Agent, Role, User
from tests.functional.logins import Browser


def make_user(email: str, role: Role, agent: bool = False, password: str = "secret") -> User:
    user = User(name=email.split("@")[0].title(), email=email, role=role)
    user.set_password(password)
    if agent:
        user.agent = Agent(languages=["en"])
    db.session.add(user)
    db.session.commit()
    return user


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form has no CSRF token"
    return found.group(1)


def log_in(browser: Browser, email: str, password: str = "secret", **extra: str):
    page = browser.open("GET", "/login").get_data(as_text=True)
    form = {"email": email, "password": password, "csrf_token": form_token(page), **extra}
    return browser.open("POST", "/login", data=form)


@pytest.mark.parametrize(
    ("role", "agent", "home"),
    [
        (Role.AGENT, True, "/console"),
        (Role.SUPERVISOR, False, "/supervisor"),
        (Role.ADMIN, False, "/supervisor"),
    ],
)
def test_staff_land_on_their_roles_page(app: Flask, role: Role, agent: bool, home: str) -> None:
    make_user("kim@example.com", role, agent=agent)
    browser = Browser.of(app)

    response = log_in(browser, "kim@example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert browser.open("GET", home).status_code == 200


def test_a_logged_out_visitor_is_sent_to_log_in_and_back(app: Flask) -> None:
    make_user("sam@example.com", Role.SUPERVISOR)
    browser = Browser.of(app)

    first = browser.open("GET", "/supervisor")
    response = log_in(browser, "sam@example.com", next="/supervisor")

    assert first.status_code == 302
    assert first.headers["Location"].startswith("/login?next=/supervisor")
    assert response.headers["Location"] == "/supervisor"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_log_in_never_sends_anyone_to_another_site(app: Flask, target: str) -> None:
    make_user("sam@example.com", Role.SUPERVISOR)

    response = log_in(Browser.of(app), "sam@example.com", next=target)

    assert response.headers["Location"] == "/supervisor"


def test_an_agent_may_not_open_the_supervisor_page(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")

    response = browser.open("GET", "/supervisor")

    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_a_wrong_password_says_so_and_keeps_the_email(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)

    response = log_in(Browser.of(app), "ana@example.com", password="nope")

    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Wrong email or password." in page
    assert 'value="ana@example.com"' in page


def test_too_many_failures_are_refused_with_a_clear_message(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    statuses = [log_in(browser, "ana@example.com", password="nope").status_code for _ in range(12)]

    response = log_in(browser, "ana@example.com")

    assert 429 in statuses
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)

    response = browser.open(
        "POST", "/login", data={"email": "ana@example.com", "password": "secret"}
    )

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert browser.open("GET", "/console").status_code == 302


def test_logging_out_ends_the_session_for_every_copy_of_the_cookie(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")
    copy = Browser.of(app)
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    copy.client.set_cookie("session", cookie.value)
    page = browser.open("GET", "/console").get_data(as_text=True)

    browser.open("POST", "/logout", data={"csrf_token": form_token(page)})

    assert browser.open("GET", "/console").status_code == 302
    assert copy.open("GET", "/console").status_code == 302


def test_pages_carry_a_policy_that_forbids_inline_scripts(app: Flask) -> None:
    response = Browser.of(app).open("GET", "/login")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)
