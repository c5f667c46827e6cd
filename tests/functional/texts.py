"""Helpers for SMS tests: Twilio-shaped message webhooks and injected community answers."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

from werkzeug.test import TestResponse

from app.services.texting import answers
from tests.support import ACCOUNT_SID

TEXTER = "+14155550123"
OUR_NUMBER = "+15558675310"


def sms_params(body: str, **overrides: str) -> dict[str, str]:
    """The form Twilio posts to "A message comes in"."""
    sid = "SM" + uuid.uuid4().hex
    params = {
        "ToCountry": "US",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": OUR_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": TEXTER,
        "ApiVersion": "2010-04-01",
        "FromCountry": "US",
    }
    params.update(overrides)
    return params


def status_params(sid: str, status: str, **overrides: str) -> dict[str, str]:
    """The form Twilio posts to a message's StatusCallback."""
    params = {
        "SmsSid": sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": TEXTER,
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": OUR_NUMBER,
        "ApiVersion": "2010-04-01",
    }
    params.update(overrides)
    return params


def replies(response: TestResponse) -> list[str]:
    """The texts a TwiML answer sends back."""
    assert response.status_code == 200, response.data
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return [message.text or "" for message in root.iter("Message")]


def answering(monkeypatch: Any, score: float = 0.9, text: str = "") -> list[tuple[str, bool]]:
    """The community search answers every question with question 7 at ``score``; returns
    the outcomes it is told of."""
    told: list[tuple[str, bool]] = []
    answer = answers.Answer(
        question_id=7,
        title="How do I restart my router?",
        answer=text or "Unplug the router, wait 30 seconds, plug it back in.",
        score=score,
        url_path="/community/q/7/restart-router",
    )
    monkeypatch.setattr(answers, "search", lambda *a, **k: [answer])
    monkeypatch.setattr(
        answers, "record_outcome", lambda _s, query, _q, solved: told.append((query, solved))
    )
    return told
