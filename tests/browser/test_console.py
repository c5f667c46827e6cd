"""The agent console in Chromium: a caller walks the IVR into the queue, the agent sees
them, gets the offer, accepts, reads the 360° panel, writes a note and wraps up; hostile
words stay text; the console is accessible and works from the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import responses
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from tests.browser.console_people import at_work, caller_in_line, customer, log_in
from tests.functional.agent_calls import member_redirected

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


def test_an_agent_takes_a_caller_from_offer_to_wrap_up(
    app: Flask,
    ana: str,
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: responses.RequestsMock,
) -> None:
    customer()
    page = new_page()
    at_work(page)

    caller = caller_in_line(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])

    offer = page.get_by_role("region", name="Offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Maria Lopez")
    expect(page).to_have_title("● Offer: Maria Lopez", timeout=3000)
    page.keyboard.press("a")

    panel = page.locator("#contact")
    expect(panel).to_contain_text("Maria Lopez")
    expect(panel).to_contain_text("ACC-77")
    expect(panel).to_contain_text("pressed 0")
    page.get_by_text("Why this caller (priority)").click()
    expect(panel.locator("ol.path").nth(1)).to_contain_text("silver")
    page.keyboard.press("w")
    page.keyboard.type("Asked about the fiber outage.")
    page.get_by_label("Wrap-up code").select_option("resolved")
    page.keyboard.press("Control+Enter")

    expect(panel).to_contain_text("No contact")
    expect(page.locator("#state")).not_to_have_text("busy")
    record = db.session.scalars(
        select(Interaction).where(Interaction.twilio_sid == caller["CallSid"])
    ).one()
    db.session.refresh(record)
    assert record.notes == "Asked about the fiber outage."
    assert record.wrap_up_code == "resolved"
    assert page.errors == []


def test_hostile_names_and_words_are_shown_as_text(
    app: Flask,
    ana: str,
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: responses.RequestsMock,
) -> None:
    customer(name=HOSTILE)
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    at_work(page)

    caller = caller_in_line(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    expect(page.get_by_role("region", name="Offer")).to_contain_text(HOSTILE)
    page.get_by_role("button", name="Accept", exact=True).click()

    expect(page.locator("#contact")).to_contain_text(HOSTILE)
    assert page.locator("#contact img").count() == 0
    assert "pwned" not in page.title()
    assert dialogs == []


def test_the_console_passes_the_accessibility_check(
    app: Flask, ana: str, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    page = new_page()
    log_in(page)
    expect(page.locator("#queues")).not_to_contain_text("Loading")

    assert accessibility(page) == []


def focus_by_tab(page: Any, name: str, presses: int = 30) -> None:
    """Press Tab until the element named ``name`` has the focus, as a keyboard user would."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(name):
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def test_the_console_works_from_the_keyboard_alone(
    app: Flask,
    ana: str,
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: responses.RequestsMock,
) -> None:
    customer()
    page = new_page()
    page.goto("/login")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("ana@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("secret")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console")
    focus_by_tab(page, "Available")
    page.keyboard.press("Enter")
    expect(page.locator("#state")).to_have_text("available")

    caller = caller_in_line(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    expect(page.get_by_role("region", name="Offer")).to_be_visible()
    page.keyboard.press("a")
    expect(page.locator("#contact")).to_contain_text("Maria Lopez")
    page.keyboard.press("w")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    page.keyboard.type("resolved")
    page.keyboard.press("Control+Enter")

    expect(page.locator("#contact")).to_contain_text("No contact")
    found = select(Interaction).where(Interaction.twilio_sid == caller["CallSid"])
    record = db.session.scalars(found).one()
    db.session.refresh(record)
    assert (record.notes, record.wrap_up_code) == ("Typed without a mouse.", "resolved")
