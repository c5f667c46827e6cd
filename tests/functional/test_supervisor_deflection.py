"""Deflection on the supervisor's dashboard: answers given by text and voice with their
outcomes, by channel and day, and the questions nobody could answer, each linking to the
community to answer it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import (
    Deflection,
    DeflectionChannel,
    DeflectionOutcome,
    UnansweredQuestion,
    utcnow,
)
from tests.functional.supervisors import Supervisor
from tests.functional.texts import replies, sms_params


@pytest.fixture
def sue(app: Flask, center: Any) -> Supervisor:
    return Supervisor.logged_in(app, "sue@example.com")


def answered(channel: DeflectionChannel, outcome: DeflectionOutcome, days_ago: float = 0) -> None:
    db.session.add(
        Deflection(
            channel=channel,
            phone="+14155550100",
            query_text="how do I restart my router",
            question_id=7,
            score=0.8,
            outcome=outcome,
            created_at=utcnow() - timedelta(days=days_ago),
        )
    )


def test_answers_are_counted_by_channel_and_outcome(sue: Supervisor) -> None:
    sms, voice = DeflectionChannel.SMS, DeflectionChannel.VOICE
    for outcome in (
        DeflectionOutcome.SOLVED,
        DeflectionOutcome.SOLVED,
        DeflectionOutcome.FALSE_DEFLECTION,
    ):
        answered(sms, outcome)
    answered(voice, DeflectionOutcome.ASKED_PERSON)
    answered(voice, DeflectionOutcome.PENDING)
    answered(sms, DeflectionOutcome.SOLVED, days_ago=30)  # outside the week
    db.session.commit()

    report = sue.get("/api/supervisor/deflection").get_json()

    totals = {row["channel"]: row for row in report["totals"]}
    assert (totals["sms"]["attempts"], totals["sms"]["solved"]) == (3, 2)
    assert totals["sms"]["false_deflection"] == 1
    assert totals["sms"]["solved_share"] == pytest.approx(2 / 3)
    assert (totals["voice"]["asked_person"], totals["voice"]["pending"]) == (1, 1)
    assert totals["voice"]["solved_share"] == 0
    assert [row["channel"] for row in report["by_day"]] == ["sms", "voice"]


def test_a_text_nobody_could_answer_becomes_a_content_gap(sue: Supervisor, twilio_post) -> None:
    texts = ["Can I pay with bitcoin?", "can i PAY with Bitcoin", "Where is my parcel?", "???"]
    for n, body in enumerate(texts):  # "???" has no words: not a question
        replies(twilio_post("/sms/incoming", sms_params(body, From=f"+1415555{n:04d}")))

    gaps = sue.get("/api/supervisor/deflection").get_json()["gaps"]

    assert [(gap["question"], gap["times"]) for gap in gaps] == [
        ("can i PAY with Bitcoin", 2),
        ("Where is my parcel?", 1),
    ]
    assert gaps[0]["channel"] == "sms"
    assert gaps[0]["answer_url"] == "/community/ask?title=can+i+PAY+with+Bitcoin"


def test_the_dashboard_shows_both_tables_with_what_customers_wrote_as_text(
    sue: Supervisor,
) -> None:
    db.session.add(
        UnansweredQuestion(
            channel=DeflectionChannel.VOICE,
            query_text="<script>alert(1)</script> my meter",
            query_key="meter script",
            language="en",
        )
    )
    answered(DeflectionChannel.VOICE, DeflectionOutcome.SOLVED)
    db.session.commit()

    html = sue.get("/supervisor").get_data(as_text=True)

    assert "Deflection" in html and "Questions nobody could answer" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my meter" in html
    assert "<script>alert(1)" not in html
    assert "Answer this in the community" in html


def test_an_empty_week_says_so(sue: Supervisor) -> None:
    html = sue.get("/supervisor").get_data(as_text=True)

    assert "No answers given by text or voice yet." in html
    assert "Every question asked by text or voice found an answer." in html


def test_answer_this_in_the_community_opens_the_ask_form_with_the_question(sue: Supervisor) -> None:
    html = sue.get("/community/ask?title=Can+I+pay+with+%3Cb%3Ebitcoin%3C%2Fb%3E").get_data(
        as_text=True
    )

    assert 'value="Can I pay with &lt;b&gt;bitcoin&lt;/b&gt;"' in html
