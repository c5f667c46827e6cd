"""The agent console in Chromium: a caller walks the IVR into the queue, the agent sees
them, gets the offer, accepts, reads the 360° panel, writes a note and wraps up."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Account, Customer, Interaction, Tier, User
from tests.functional.agent_calls import QUEUE_SID, member_redirected
from tests.functional.voice import MAIN_LINE, OPEN, destination, staff_queues, twiml
from tests.support import PUBLIC_BASE_URL, call_params

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
PHONE = "+14155550123"


@pytest.fixture
def ana(app: Flask) -> str:
    """Ana, an agent of every queue (password "secret"), logged out; her agent id."""
    app.config["CLOCK"] = lambda: OPEN
    agent_id = staff_queues(app, presence="offline")
    user = db.session.scalars(select(User)).one()
    user.set_password("secret")
    db.session.commit()
    return agent_id


def customer(name: str = "Maria Lopez") -> Customer:
    found = Customer(phone=PHONE, name=name, tier=Tier.SILVER, language="en")
    found.lifetime_value = Decimal("1234.50")
    found.accounts.append(Account(number="ACC-77", service="fiber"))
    db.session.add(found)
    db.session.commit()
    return found


def log_in(page: Any, email: str = "ana@example.com") -> None:
    page.goto("/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/console")


def at_work(page: Any) -> None:
    """Log Ana in and make her available, as she would start her shift."""
    log_in(page)
    page.get_by_role("button", name="Available").click()
    expect(page.locator("#state")).to_have_text("available")


def caller_in_line(twilio_post: Callable[..., Any]) -> dict[str, str]:
    """A caller who pressed 0 at the first menu and now holds in the general queue."""
    params = call_params(To=MAIN_LINE, From=PHONE)
    first = twiml(twilio_post("/voice/incoming", params))
    root = twiml(twilio_post(first.find("Gather").get("action"), {**params, "Digits": "0"}))
    assert destination(root)[0] == "queue"
    hold = {**params, "QueueSid": QUEUE_SID, "QueueTime": "5", "QueuePosition": "1"}
    twiml(twilio_post("/voice/hold?q=general&l=en", hold))
    return params


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


def test_notes_typed_while_the_server_is_unreachable_are_kept(
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


def test_an_agent_claims_a_voicemail_and_closes_it_with_a_note(
    app: Flask, ana: str, new_page: Callable[..., Any]
) -> None:
    from app.models import Task, TaskKind, TaskStatus

    task = Task(
        kind=TaskKind.VOICEMAIL,
        queue="general",
        phone=PHONE,
        recording_url="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        recording_seconds=42,
        notes="<script>alert(1)</script> please call",
    )
    db.session.add(task)
    db.session.commit()
    page = new_page()
    log_in(page)
    tasks = page.get_by_role("region", name="Tasks")
    expect(tasks).to_contain_text("Voicemail in general")
    expect(tasks.get_by_role("link", name="Recording (42 s)")).to_be_visible()
    expect(tasks).to_contain_text("<script>alert(1)</script> please call")

    tasks.get_by_role("button", name="Claim").click()
    mine = tasks.get_by_role("form", name=f"voicemail task {task.id}")
    mine.get_by_label("Note").fill("Called back, all fine.")
    mine.get_by_role("button", name="Close").click()

    expect(tasks).to_contain_text("No tasks claimed.")
    expect(tasks).to_contain_text("No open tasks in your queues.")
    db.session.refresh(task)
    assert task.status is TaskStatus.DONE
    assert "Called back, all fine." in task.notes


def test_an_agent_transfers_a_call_to_another_queue_and_wraps_up_their_part(
    app: Flask,
    ana: str,
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: responses.RequestsMock,
) -> None:
    from tests.functional.test_agent_transfer import twilio_moves

    customer()
    page = new_page()
    at_work(page)
    caller = caller_in_line(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    expect(page.get_by_role("region", name="Offer")).to_be_visible()
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.locator("#contact")).to_contain_text("Maria Lopez")
    twiml(twilio_post(f"/voice/whisper?agent={ana}&c={caller['CallSid']}", caller))
    twilio_moves(twilio_api, caller["CallSid"])

    page.get_by_label("Transfer to").select_option("queue:tech_support")
    page.get_by_role("button", name="Transfer").click()

    expect(page.locator("#notes-saved")).to_contain_text("Transferred")
    page.get_by_label("Wrap-up code").select_option("escalated")
    page.get_by_role("button", name="Finish").click()
    expect(page.locator("#contact")).to_contain_text("No contact")
    sent = parse_qs(twilio_api.calls[-1].request.body)
    assert sent["Url"][0].startswith(f"{PUBLIC_BASE_URL}/voice/transfer?q=tech_support")


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


def test_an_agent_takes_a_text_replies_and_closes_it(
    app: Flask, ana: str, new_page: Callable[..., Any]
) -> None:
    from tests.functional.texts import sms_params
    from tests.support import ACCOUNT_SID, sign

    page = new_page()
    at_work(page)
    client = app.test_client()
    for body in ("<b>my router</b> keeps dropping <script>window.__xss=1</script>", "AGENT"):
        params = sms_params(body, From=PHONE)
        signature = sign(PUBLIC_BASE_URL + "/sms/incoming", params)
        client.post("/sms/incoming", data=params, headers={"X-Twilio-Signature": signature})

    expect(page.locator("#offer")).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Accept", exact=True).click()
    texts = page.get_by_role("region", name="Texts")
    expect(texts).to_contain_text("<b>my router</b> keeps dropping")
    with responses.RequestsMock() as twilio:
        twilio.add(
            "POST",
            f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
            status=201,
            json={"sid": "SM" + "b" * 32, "status": "queued", "to": PHONE, "body": "ok"},
        )
        texts.get_by_role("textbox", name="Reply").fill("Hi, Ana here. Let's restart it together.")
        texts.get_by_role("button", name="Send").click()
        expect(texts).to_contain_text("Let's restart it together.")
        sent = parse_qs(twilio.calls[0].request.body)
    texts.get_by_role("combobox", name="Wrap-up code").select_option("resolved")
    texts.get_by_role("button", name="Close").click()

    expect(texts).to_contain_text("No text conversations.")
    assert sent["To"] == [PHONE] and sent["Body"] == ["Hi, Ana here. Let's restart it together."]
    assert page.evaluate("window.__xss") is None
