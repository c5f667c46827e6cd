"""The status page in a real browser: read and subscribed to without JavaScript, every
page passes the accessibility check, and a hostile incident runs no script."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.services.incidents import lifecycle
from tests.browser.test_community import PAYLOADS
from tests.functional.status import customers_with, open_incident, sent, texts_sent


@pytest.fixture
def incidents(app: Flask) -> int:
    """An open incident with a Spanish update, a resolved one, services; the open one's id."""
    customers_with("mobile", "broadband", "tv", "energy")
    current = open_incident("Broadband down in Springfield", services=["broadband"])
    lifecycle.post_update(
        db.session,
        current,
        "A cut fibre was found; repairs are under way.",
        state="identified",
        translations={"es": "Se encontró una fibra cortada; ya la estamos reparando."},
    )
    lifecycle.resolve(db.session, open_incident("Mobile calls dropped", "minor"))
    return current


def test_a_visitor_reads_the_status_and_subscribes_without_javascript(
    app: Flask, new_page: Callable[..., Any], incidents: int, twilio_api: Any
) -> None:
    texts_sent(twilio_api)
    page = new_page(java_script_enabled=False)

    page.goto("/status")
    services = page.get_by_role("region", name="Services").inner_text()
    page.get_by_role("link", name="Broadband down in Springfield").click()
    page.get_by_label("Mobile number").fill("+1 415 555 0123")
    page.get_by_role("button", name="Text me updates").click()

    assert "broadband\nMajor outage" in services and "mobile\nOperational" in services
    assert page.get_by_role("heading", name="Check your phone").is_visible()
    assert sent(twilio_api)[0]["To"] == ["+14155550123"]


@pytest.mark.parametrize(
    "path",
    ["/status", "/status/incidents/{id}", "/status/unsubscribe", "/status/incidents/999"],
)
def test_status_pages_pass_the_accessibility_check(
    app: Flask,
    new_page: Callable[..., Any],
    accessibility: Callable[[Any], list[str]],
    incidents: int,
    path: str,
) -> None:
    page = new_page()

    page.goto(path.format(id=incidents))

    assert page.get_by_role("heading", level=1).count() == 1
    assert accessibility(page) == []


def test_a_refused_subscription_passes_the_accessibility_check(
    app: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    page = new_page()
    page.goto("/status")

    page.get_by_label("Mobile number").fill("not a number")
    page.get_by_role("button", name="Text me updates").click()

    assert page.get_by_role("alert").inner_text().startswith("That is not a phone number")
    assert accessibility(page) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_incident_runs_no_script(
    app: Flask, new_page: Callable[..., Any], payload: str
) -> None:
    incident_id = open_incident(f"Outage {payload}", services=[payload[:60]])
    lifecycle.post_update(db.session, incident_id, f"Update {payload}", state="identified")
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/status")
    page.wait_for_load_state("networkidle")
    listed = page.locator("main").inner_text()
    page.goto(f"/status/incidents/{incident_id}")
    page.wait_for_load_state("networkidle")

    assert f"Outage {payload}" in listed and f"Update {payload}" in listed
    assert page.get_by_role("heading", level=1).inner_text() == f"Outage {payload}"
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == [] and page.errors == []
