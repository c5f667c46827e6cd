"""Bad input on /sms/*: unsigned posts refused and nothing recorded; empty, emoji-only,
space-only and 1,600-character texts answered sensibly; replays and floods answered once;
a database that fails still gives the texter a way to a person."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Conversation, Message
from app.services.texting import conversations, incoming
from tests.functional.texts import replies, sms_params, status_params


@pytest.mark.parametrize("path", ["/sms/incoming", "/sms/status", "/sms/fallback"])
def test_an_unsigned_sms_webhook_is_refused_and_records_nothing(client, path) -> None:
    response = client.post(path, data=sms_params("STOP"))
    forged = client.post(path, data=sms_params("STOP"), headers={"X-Twilio-Signature": "bad"})

    assert (response.status_code, forged.status_code) == (403, 403)
    assert db.session.scalar(select(func.count(Message.id))) == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "empty message"),
        ("     ", "empty message"),
        ("😀🎉👍", "in words"),
        ("?!...", "in words"),
    ],
)
def test_a_text_without_words_gets_a_sensible_answer(twilio_post, body, words) -> None:
    answer = replies(twilio_post("/sms/incoming", sms_params(body)))

    assert len(answer) == 1 and words in answer[0]


def test_a_1600_character_text_is_handled_and_nothing_we_send_passes_the_limit(
    twilio_post,
) -> None:
    answer = replies(twilio_post("/sms/incoming", sms_params("my internet is down " * 80)))

    assert len(answer) == 1 and len(answer[0]) <= 1600
    stored = db.session.scalars(select(Message).order_by(Message.id)).first()
    assert len(stored.body) == 1600


def test_a_replayed_message_is_answered_once(twilio_post) -> None:
    form = sms_params("help")

    first, second = (replies(twilio_post("/sms/incoming", form)) for _ in range(2))

    assert len(first) == 1 and second == []


def test_a_flood_from_one_number_is_recorded_but_replies_stop_at_the_limit(
    twilio_post, app
) -> None:
    app.config["SMS_REPLY_LIMIT_PER_NUMBER"] = "3 per minute"

    answered = [replies(twilio_post("/sms/incoming", sms_params("help"))) for _ in range(5)]

    assert [len(answer) for answer in answered] == [1, 1, 1, 0, 0]
    assert db.session.scalar(select(func.count(Message.id))) == 8


def test_a_replay_racing_its_first_copy_is_recorded_once_and_answered_once(
    twilio_post, monkeypatch
) -> None:
    form = sms_params("help")
    first = replies(twilio_post("/sms/incoming", form))
    seen = conversations.is_replay
    looks = [False]  # the copy looked before the first was committed

    def is_replay(session, sid):  # type: ignore[no-untyped-def]
        return looks.pop() if looks else seen(session, sid)

    monkeypatch.setattr(conversations, "is_replay", is_replay)

    second = replies(twilio_post("/sms/incoming", form))

    assert len(first) == 1 and second == []
    assert db.session.scalar(select(func.count(Message.id))) == 2
    assert db.session.scalar(select(func.count(Conversation.id))) == 1


@pytest.mark.parametrize(
    ("per_number", "overall", "senders", "answered"),
    [
        ("10 per minute; 2 per hour", "50 per second", ["A", "A", "A"], [1, 1, 0]),
        ("10 per minute", "2 per minute", ["A", "B", "C"], [1, 1, 0]),
        # A reply held back counts nowhere: B still finds a place in the global limit.
        ("2 per minute", "3 per minute", ["A", "A", "A", "B"], [1, 1, 0, 1]),
    ],
)
def test_replies_stop_at_whichever_limit_is_reached_first(
    twilio_post, app, per_number, overall, senders, answered
) -> None:
    app.config["SMS_REPLY_LIMIT_PER_NUMBER"] = per_number
    app.config["SMS_REPLY_LIMIT_GLOBAL"] = overall
    numbers = {"A": "+14155550101", "B": "+14155550102", "C": "+14155550103"}

    got = [
        len(replies(twilio_post("/sms/incoming", sms_params("help", From=numbers[who]))))
        for who in senders
    ]

    assert got == answered


def test_a_failing_database_still_gives_the_texter_the_human_line(twilio_post, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(incoming, "receive", broken)

    answer = replies(twilio_post("/sms/incoming", sms_params("my bill")))

    assert "+15005550006" in answer[0]


def test_the_fallback_url_answers_with_the_human_line_without_any_store(
    make_app, twilio_post
) -> None:
    answer = replies(twilio_post("/sms/fallback", sms_params("hello")))

    assert "+15005550006" in answer[0]


def test_a_receipt_for_a_message_we_do_not_know_is_acknowledged(twilio_post) -> None:
    response = twilio_post("/sms/status", status_params("SM" + "0" * 32, "delivered"))

    assert replies(response) == []
