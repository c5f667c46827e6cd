"""The agent console in Chromium when things go wrong: the server unreachable while notes
are typed, a caller hanging up during the offer, an offer gone stale, a reconnect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import responses
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from tests.browser.console_people import at_work, caller_in_line, customer, offered_a_caller
from tests.functional.voice import twiml


def test_notes_typed_while_the_server_is_unreachable_are_kept(
    app: Flask,
    ana: str,
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: responses.RequestsMock,
) -> None:
    page, caller = offered_a_caller(new_page, twilio_post, twilio_api)
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.locator("#contact")).to_contain_text("Maria Lopez")

    page.context.set_offline(True)
    page.get_by_label("Notes").fill("Customer wants a technician on Monday.")
    page.get_by_label("Wrap-up code").select_option("follow_up")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("alert").filter(has_text="Not saved yet")).to_be_visible()
    expect(page.locator("#connection")).to_contain_text("Reconnecting")
    page.context.set_offline(False)
    page.reload()

    notes = page.get_by_label("Notes")
    expect(notes).to_have_value("Customer wants a technician on Monday.")
    page.get_by_label("Wrap-up code").select_option("follow_up")
    page.get_by_role("button", name="Finish").click()
    expect(page.locator("#contact")).to_contain_text("No contact")
    found = select(Interaction).where(Interaction.twilio_sid == caller["CallSid"])
    record = db.session.scalars(found).one()
    db.session.refresh(record)
    assert record.notes == "Customer wants a technician on Monday."


def test_an_offer_whose_caller_hangs_up_goes_away_without_a_reload(
    app: Flask, ana: str, new_page: Callable[..., Any], twilio_post: Callable[..., Any]
) -> None:
    customer()
    page = new_page()
    at_work(page)
    caller = caller_in_line(twilio_post)
    offer = page.get_by_role("region", name="Offer")
    expect(offer).to_be_visible()

    gone = {**caller, "QueueResult": "hangup", "QueueTime": "30"}
    twiml(twilio_post("/voice/queue-exit?q=general&l=en", gone))

    expect(offer).to_be_hidden()
    expect(page.locator("#queues")).to_contain_text("0 waiting")


def test_accepting_an_offer_that_went_stale_says_so_clearly(
    app: Flask, ana: str, new_page: Callable[..., Any], twilio_post: Callable[..., Any]
) -> None:
    customer()
    page = new_page()
    at_work(page)
    caller = caller_in_line(twilio_post)
    expect(page.get_by_role("region", name="Offer")).to_be_visible()
    # The page has not caught up yet: its reads keep answering what it last saw.
    seen = page.evaluate("fetch('/api/console/desk').then(r => r.text())")
    page.route(
        "**/api/console/desk",
        lambda route: route.fulfill(body=seen, content_type="application/json"),
    )
    gone = {**caller, "QueueResult": "hangup", "QueueTime": "30"}
    twiml(twilio_post("/voice/queue-exit?q=general&l=en", gone))

    page.keyboard.press("a")

    expect(page.locator("#status-message")).to_contain_text("This offer is gone")
    expect(page.locator("#contact")).to_contain_text("No contact")
    assert page.errors == []


def test_the_console_says_it_is_reconnecting_and_catches_up_when_the_server_returns(
    app: Flask, ana: str, new_page: Callable[..., Any], twilio_post: Callable[..., Any]
) -> None:
    customer()
    page = new_page()
    at_work(page)

    page.context.set_offline(True)
    expect(page.locator("#connection")).to_contain_text("Reconnecting", timeout=40_000)
    caller_in_line(twilio_post)
    page.context.set_offline(False)

    expect(page.get_by_role("region", name="Offer")).to_contain_text("Maria Lopez", timeout=20_000)
    expect(page.locator("#connection")).to_be_hidden()
