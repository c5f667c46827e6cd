"""The people of the console's browser tests: Ana the agent, a customer and a caller."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from playwright.sync_api import expect

from app.extensions import db
from app.models import Account, Customer, Tier
from tests.functional.agent_calls import QUEUE_SID, member_redirected
from tests.functional.voice import MAIN_LINE, destination, twiml
from tests.support import call_params

PHONE = "+14155550123"


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


def offered_a_caller(
    new_page: Callable[..., Any],
    twilio_post: Callable[..., Any],
    twilio_api: Any,
) -> tuple[Any, dict[str, str]]:
    """Ana at work, Maria holding in line and offered to her; Ana's page and the call."""
    customer()
    page = new_page()
    at_work(page)
    caller = caller_in_line(twilio_post)
    member_redirected(twilio_api, caller["CallSid"])
    return page, caller
