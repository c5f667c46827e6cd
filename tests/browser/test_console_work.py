"""The agent console in Chromium, the rest of an agent's work: voicemails, transfers, texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import responses
from flask import Flask
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.console_people import (
    PHONE,
    at_work,
    log_in,
    offered_a_caller,
)
from tests.functional.voice import twiml
from tests.support import PUBLIC_BASE_URL


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

    page, caller = offered_a_caller(new_page, twilio_post, twilio_api)
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
