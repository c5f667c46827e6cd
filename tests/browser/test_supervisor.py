"""The supervisor dashboard in a real browser: live figures, a confirmed switch, the audit
log, hostile names shown as text, and the accessibility check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import Role, utcnow
from tests.browser.test_login import hire
from tests.functional.queue_calls import queue_caller
from tests.functional.test_supervisor_what_if import busy_hour
from tests.functional.voice import OPEN, staff_queues

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def line(app: Flask) -> Flask:
    """The app with the main line open (a Tuesday morning in Chicago)."""
    app.config["CLOCK"] = lambda: OPEN
    return app


def log_in(new_page: Callable[..., Any], email: str) -> Any:
    page = new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/supervisor")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/supervisor")
    return page


def waiting_in(page: Any, queue: str) -> str:
    return str(page.locator(f'#queues tr[data-queue="{queue}"] td.waiting').inner_text())


def test_a_caller_reaching_a_queue_moves_the_waiting_figure_without_a_reload(
    line: Flask, twilio_post: Callable[..., Any], new_page: Callable[..., Any]
) -> None:
    staff_queues(line)
    hire("sue@example.com", Role.SUPERVISOR)
    page = log_in(new_page, "sue@example.com")
    assert waiting_in(page, "general") == "0"
    page.evaluate("window.notReloaded = true")

    caller = queue_caller(twilio_post)

    assert caller["_queue"] == "general"
    page.wait_for_function(
        """() => document.querySelector('#queues tr[data-queue="general"] td.waiting')
                 .textContent === "1" """,
        timeout=15_000,
    )
    assert page.evaluate("window.notReloaded") is True
    assert page.errors == []


def test_a_supervisor_closes_a_line_after_confirming_and_sees_it_in_the_audit_log(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    hire("sue@example.com", Role.SUPERVISOR, name="Sue")
    page = log_in(new_page, "sue@example.com")

    page.get_by_role("button", name="Turn on main_line_closed").click()
    dialog = page.get_by_role("dialog")
    assert "Close the lines of main_line_closed?" in dialog.inner_text()
    dialog.get_by_label("Reason (kept in the audit log)").fill("storm")
    dialog.get_by_role("button", name="Confirm").click()

    page.get_by_role("button", name="Turn off main_line_closed").wait_for()
    audit = page.locator("#audit")
    audit.get_by_text("switch.on").wait_for()
    assert "storm" in audit.inner_text() and "Sue" in audit.inner_text()
    assert page.errors == [] and page.dialogs == []


def test_cancelling_the_confirmation_changes_nothing(
    app: Flask, new_page: Callable[..., Any]
) -> None:
    hire("sue@example.com", Role.SUPERVISOR)
    page = log_in(new_page, "sue@example.com")

    page.get_by_role("button", name="Turn on main_line_closed").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.reload()

    assert page.get_by_role("button", name="Turn on main_line_closed").is_visible()
    assert page.locator("#audit").inner_text().strip() == "Nothing yet."


def test_the_dashboard_passes_the_accessibility_check_and_shows_hostile_names_as_text(
    line: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    staff_queues(line)
    hire("x@example.com", name=HOSTILE)
    hire("sue@example.com", Role.SUPERVISOR)
    page = log_in(new_page, "sue@example.com")
    page.wait_for_timeout(3500)  # one refresh by the script, which builds rows from text too

    assert page.locator("#agents").get_by_text(HOSTILE, exact=True).is_visible()
    assert page.locator("#agents img").count() == 0
    assert page.dialogs == [] and page.errors == []
    assert accessibility(page) == []


def test_a_what_if_without_recorded_calls_says_it_generated_the_traffic(
    line: Flask, new_page: Callable[..., Any]
) -> None:
    staff_queues(line)
    hire("sue@example.com", Role.SUPERVISOR)
    page = log_in(new_page, "sue@example.com")

    page.get_by_role("textbox", name="Agents", exact=True).fill("7")
    page.get_by_role("button", name="Run what-if").click()

    result = page.locator("#what-if-result")
    result.get_by_role("table").wait_for()
    assert "Generated traffic: only 0 recorded calls in the last 7 days" in result.inner_text()
    assert "7 agents (as given)" in result.inner_text()
    assert result.get_by_role("row", name="all").is_visible()


def test_a_what_if_replays_the_recorded_calls_of_the_last_week(
    line: Flask, new_page: Callable[..., Any]
) -> None:
    staff_queues(line)
    busy_hour(60, utcnow() - timedelta(days=1), staff=("cy", "di"))
    db.session.commit()
    hire("sue@example.com", Role.SUPERVISOR)
    page = log_in(new_page, "sue@example.com")

    page.get_by_role("button", name="Run what-if").click()

    result = page.locator("#what-if-result")
    result.get_by_role("table").wait_for()
    assert "Replayed 60 recorded calls of the last 7 days" in result.inner_text()
    assert "2 agents (the most who answered calls in one hour)" in result.inner_text()
    assert result.get_by_role("row", name="gold").is_visible()
