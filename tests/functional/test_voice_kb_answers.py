"""The support menu's question answered by voice from the community: a confident answer is
spoken (no Markdown, no address read aloud), then the caller says whether it helped, asks
for the link by text, or goes on to people as if nothing had been found."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CallStep, Deflection, DeflectionChannel, DeflectionOutcome
from app.services.community import kb_posts
from tests.functional.test_agent_texts import message_created
from tests.functional.voice import (
    MAIN_LINE,
    OPEN,
    destination,
    gather_action,
    spoken,
    staff_queues,
    twiml,
)
from tests.support import call_params

CALLER = "+14155550142"
ANSWER = (
    "Your meter shows **E4** when it lost its signal. Press the *reset* button for five "
    "seconds; see [the meter guide](https://example.com/meters/e4) or https://example.com/x."
)
QUESTION = "my meter shows an error"


@pytest.fixture
def community(app):  # type: ignore[no-untyped-def]
    app.config.update(CLOCK=lambda: OPEN)
    staff_queues(app)
    topics = [
        ("What does error E4 on my meter mean?", ANSWER),
        ("How do I pay my bill online?", "Open the app and choose Billing, then Pay."),
        ("How do I reset my app password?", "Choose Forgot password on the sign-in screen."),
        ("Why is there a power outage in my area?", "See the outage map in the app."),
    ]
    for title, body in topics:
        question = kb_posts.ask_question(db.session, title, staff=True)
        db.session.flush()
        answer = kb_posts.answer_question(db.session, question.id, body, official=True)
        kb_posts.accept_answer(db.session, answer.id, question.id)
    db.session.commit()


def ask(twilio_post, question: str) -> tuple[dict[str, str], object]:
    """A caller walks to the support question (English, then 2) and asks ``question``."""
    params = call_params(To=MAIN_LINE, From=CALLER)
    language = twiml(twilio_post("/voice/incoming", params))
    menu = twiml(twilio_post(gather_action(language), {**params, "Digits": "1"}))
    asking = twiml(twilio_post(gather_action(menu), {**params, "Digits": "2"}))
    heard = twilio_post(
        gather_action(asking), {**params, "SpeechResult": question, "Confidence": "0.9"}
    )
    return params, twiml(heard)


def the_deflection() -> Deflection:
    db.session.expire_all()
    return db.session.scalars(select(Deflection)).one()


def test_a_confident_answer_is_spoken_plainly_then_the_caller_is_asked(community, twilio_post):
    _, answered = ask(twilio_post, QUESTION)

    said = spoken(answered)
    assert "E4 when it lost its signal" in said and "reset button" in said
    assert "**" not in said and "http" not in said and "example.com" not in said
    assert "Was that what you needed?" in said and "press 0" in said
    assert gather_action(answered).startswith("/voice/kb-answered?s=")
    assert answered.find("Redirect") is not None  # silence goes on
    given = the_deflection()
    assert (given.channel, given.outcome) == (DeflectionChannel.VOICE, DeflectionOutcome.PENDING)


def test_yes_thanks_the_caller_and_the_search_learns(community, twilio_post):
    params, answered = ask(twilio_post, QUESTION)

    done = twiml(twilio_post(gather_action(answered), {**params, "SpeechResult": "yes it did"}))

    assert "Glad that helped" in spoken(done) and done.find("Hangup") is not None
    assert the_deflection().outcome is DeflectionOutcome.SOLVED


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [({"Digits": "0"}, DeflectionOutcome.ASKED_PERSON), ({}, DeflectionOutcome.NO_REPLY)],
)
def test_zero_or_silence_goes_on_to_the_support_queue(community, twilio_post, reply, outcome):
    params, answered = ask(twilio_post, QUESTION)

    after = twiml(twilio_post(gather_action(answered), {**params, **reply}))

    assert destination(after) == ("queue", "tech_support")
    assert "pass that on to our technical support team" in spoken(after)
    assert the_deflection().outcome is outcome
    events = db.session.scalars(select(CallStep.event)).all()
    assert "kb_answer" in events and "kb_question" in events and "handover" in events


def test_two_texts_the_link_to_the_caller(community, twilio_post, twilio_api):
    params, answered = ask(twilio_post, QUESTION)
    message_created(twilio_api)

    done = twiml(twilio_post(gather_action(answered), {**params, "Digits": "2"}))

    assert "sent you the link" in spoken(done) and done.find("Hangup") is not None
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert sent["To"] == [CALLER]
    assert sent["Body"][0].startswith("https://helpline.example.com/community/q/")


def test_without_a_confident_answer_the_call_goes_to_people_as_before(community, twilio_post):
    _, after = ask(twilio_post, "the fence between my neighbour and me")

    assert destination(after) == ("queue", "tech_support")
    assert db.session.scalars(select(Deflection)).first() is None


def test_an_answer_state_cannot_be_forged(community, twilio_post):
    params, _ = ask(twilio_post, QUESTION)

    forged = twilio_post("/voice/kb-answered?s=not-a-token", {**params, "Digits": "1"})

    assert destination(twiml(forged))[0] == "dial"  # a person, whatever came in
