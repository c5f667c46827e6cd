"""Waiting for a person: hold messages, leaving the queue, unanswered transfers."""

from __future__ import annotations

from app.extensions import db
from app.models import Queue
from tests.functional.voice import FALLBACK, destination, spoken, twiml
from tests.support import call_params


def test_waiting_caller_hears_their_place_and_music(twilio_post):
    root = twiml(
        twilio_post("/voice/hold?q=billing&l=en", call_params(QueuePosition="3", QueueTime="40"))
    )

    assert "number 3 in line" in spoken(root)
    assert root.find("Play") is not None


def test_spanish_caller_hears_the_hold_message_in_spanish(twilio_post):
    root = twiml(twilio_post("/voice/hold?q=spanish&l=es", call_params(QueuePosition="2")))

    assert "número 2" in spoken(root)
    assert root.find("Say").get("language") == "es-US"


def test_caller_who_waited_past_the_queue_maximum_leaves_the_queue(app, twilio_post):
    db.session.add(Queue(name="billing", max_wait_seconds=120))
    db.session.commit()

    short = twiml(twilio_post("/voice/hold?q=billing&l=en", call_params(QueueTime="119")))
    long = twiml(twilio_post("/voice/hold?q=billing&l=en", call_params(QueueTime="120")))

    assert short.find("Leave") is None
    assert long.find("Leave") is not None


def test_caller_who_left_the_queue_unanswered_is_dialed_to_a_person(twilio_post):
    root = twiml(twilio_post("/voice/queue-exit?q=billing", call_params(QueueResult="leave")))

    assert destination(root) == ("dial", FALLBACK)


def test_caller_whose_conversation_ended_is_not_dialed_again(twilio_post):
    root = twiml(twilio_post("/voice/queue-exit?q=billing", call_params(QueueResult="bridged")))

    assert list(root) == []


def test_transfer_nobody_answered_goes_to_the_fallback_line(twilio_post):
    root = twiml(twilio_post("/voice/dial-result", call_params(DialCallStatus="no-answer")))

    assert destination(root) == ("dial", FALLBACK)


def test_voicemail_without_a_recording_goes_to_a_person(twilio_post):
    root = twiml(twilio_post("/voice/voicemail?q=general&l=en", call_params()))

    assert destination(root) == ("dial", FALLBACK)
