"""The console's own pages and reads: who may open them, and what they show."""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from app.models import Account, Customer, Role, Tier
from tests.functional.logins import Browser
from tests.functional.test_login_page import log_in, make_user

PAGES = ["/console", "/console/panel/contact", "/console/panel/tasks", "/console/customers?q=ma"]


@pytest.mark.parametrize("path", PAGES)
def test_console_pages_send_the_logged_out_to_log_in(app: Flask, path: str) -> None:
    response = Browser.of(app).open("GET", path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_desk_read_answers_the_logged_out_with_401(app: Flask) -> None:
    response = Browser.of(app).open("GET", "/api/console/desk")

    assert response.status_code == 401
    assert response.get_json() == {"error": "log in first"}


def test_a_supervisor_without_an_agent_profile_is_told_so(app: Flask) -> None:
    make_user("sam@example.com", Role.SUPERVISOR)
    browser = Browser.of(app)
    log_in(browser, "sam@example.com")

    page = browser.open("GET", "/console").get_data(as_text=True)
    desk = browser.open("GET", "/api/console/desk")

    assert "You have no agent profile" in page
    assert desk.status_code == 403


def test_the_desk_read_names_my_state_and_queues(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")

    desk = browser.open("GET", "/api/console/desk").get_json()

    assert desk["state"] == "offline"
    assert desk["offer"] is None
    assert desk["agent"]["name"] == "Ana"


def test_customer_search_finds_by_account_and_shows_names_as_text(app: Flask) -> None:
    found = Customer(phone="+14155550123", name="<b>Maria</b>", tier=Tier.GOLD)
    found.accounts.append(Account(number="ACC-77", service="fiber"))
    db.session.add(found)
    db.session.commit()
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")

    results = browser.open("GET", "/console/customers?q=ACC-77").get_data(as_text=True)
    card = browser.open("GET", f"/console/customers/{found.id}").get_data(as_text=True)

    assert "&lt;b&gt;Maria&lt;/b&gt;" in results
    assert "<b>Maria</b>" not in results
    assert "ACC-77" in card and "&lt;b&gt;Maria&lt;/b&gt;" in card


def test_a_too_short_search_says_why(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")

    response = browser.open("GET", "/console/customers?q=m")

    assert response.status_code == 400
    assert "at least 2 characters" in response.get_data(as_text=True)


def test_an_unknown_customer_is_a_404(app: Flask) -> None:
    make_user("ana@example.com", Role.AGENT, agent=True)
    browser = Browser.of(app)
    log_in(browser, "ana@example.com")

    assert browser.open("GET", "/console/customers/999999").status_code == 404
