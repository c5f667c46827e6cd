"""Anything that is not a keyword is searched: a confident answer is texted (two segments at
most, a link, "Reply YES..."), else the texter goes to a person. Every deflection's outcome
is recorded: solved, asked for a person, no reply, or a false deflection."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ConsentEvent,
    Conversation,
    ConversationState,
    Deflection,
    DeflectionOutcome,
    Direction,
    Interaction,
    InteractionChannel,
    utcnow,
)
from app.services.texting import deflection, segments
from tests.functional.texts import TEXTER, answering, replies, sms_params


def only_deflection() -> Deflection:
    return db.session.scalars(select(Deflection)).one()


def test_a_confident_answer_is_texted_in_two_segments_with_link_and_prompt(
    twilio_post, monkeypatch
) -> None:
    answering(monkeypatch, text="Unplug the router and wait. " * 30)

    answer = replies(twilio_post("/sms/incoming", sms_params("how do I restart my router")))

    assert len(answer) == 1
    assert segments.count(answer[0]).count <= 2
    assert "https://helpline.example.com/community/q/7/restart-router" in answer[0]
    assert answer[0].endswith("Reply YES if this solved it, AGENT for a person")
    found = only_deflection()
    assert (found.outcome, found.question_id, found.phone) == (
        DeflectionOutcome.PENDING,
        7,
        TEXTER,
    )


def test_a_spanish_texter_gets_the_spanish_prompt(twilio_post, monkeypatch) -> None:
    answering(monkeypatch)

    answer = replies(twilio_post("/sms/incoming", sms_params("¿cómo reinicio mi módem?")))

    assert answer[0].endswith("Responda SI si esto lo resolvió, AGENTE para hablar con una persona")


def test_yes_after_an_answer_is_solved_not_a_resubscription(twilio_post, monkeypatch) -> None:
    told = answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))

    answer = replies(twilio_post("/sms/incoming", sms_params("Yes")))

    assert "glad" in answer[0]
    assert only_deflection().outcome is DeflectionOutcome.SOLVED
    assert told == [("how do I restart my router", True)]
    assert db.session.scalars(select(ConsentEvent)).all() == []


def test_yes_with_twilios_opt_in_flag_still_only_solves(twilio_post, monkeypatch) -> None:
    answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))

    answer = replies(twilio_post("/sms/incoming", sms_params("YES", OptOutType="START")))

    assert answer == []
    assert only_deflection().outcome is DeflectionOutcome.SOLVED


def test_agent_after_an_answer_is_asked_for_a_person(twilio_post, monkeypatch) -> None:
    told = answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))

    answer = replies(twilio_post("/sms/incoming", sms_params("agent")))

    assert only_deflection().outcome is DeflectionOutcome.ASKED_PERSON
    assert told == [("how do I restart my router", False)]
    assert "+15005550006" in answer[0]  # nobody at work: the human line


def test_an_unsure_answer_is_not_texted_the_texter_goes_to_a_person(
    twilio_post, monkeypatch
) -> None:
    answering(monkeypatch, score=0.1)

    answer = replies(twilio_post("/sms/incoming", sms_params("my bill is wrong again")))

    assert "call" in answer[0] and "+15005550006" in answer[0]
    assert db.session.scalars(select(Deflection)).all() == []
    conversation = db.session.scalars(select(Conversation)).one()
    assert conversation.state is ConversationState.QUEUED


def test_without_the_community_search_every_question_goes_to_a_person(twilio_post) -> None:
    replies(twilio_post("/sms/incoming", sms_params("my bill is wrong again")))

    conversation = db.session.scalars(select(Conversation)).one()
    assert conversation.state is ConversationState.QUEUED


def test_an_answer_with_no_reply_in_its_window_is_no_reply(twilio_post, monkeypatch) -> None:
    told = answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))

    deflection.settle(db.session, utcnow() + timedelta(hours=25))
    db.session.commit()

    assert only_deflection().outcome is DeflectionOutcome.NO_REPLY
    assert told == []


def test_a_call_within_72_hours_makes_a_false_deflection(twilio_post, monkeypatch) -> None:
    told = answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))
    twilio_post("/sms/incoming", sms_params("YES"))
    db.session.add(
        Interaction(
            channel=InteractionChannel.VOICE,
            direction=Direction.INBOUND,
            from_number=TEXTER,
            started_at=utcnow() + timedelta(hours=30),
        )
    )
    db.session.commit()

    deflection.settle(db.session, utcnow() + timedelta(hours=31))
    db.session.commit()

    assert only_deflection().outcome is DeflectionOutcome.FALSE_DEFLECTION
    assert told[-1] == ("how do I restart my router", False)


def test_a_call_after_72_hours_leaves_the_deflection_as_it_was(twilio_post, monkeypatch) -> None:
    answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))
    twilio_post("/sms/incoming", sms_params("YES"))
    db.session.add(
        Interaction(
            channel=InteractionChannel.VOICE,
            direction=Direction.INBOUND,
            from_number=TEXTER,
            started_at=utcnow() + timedelta(hours=80),
        )
    )
    db.session.commit()

    deflection.settle(db.session, utcnow() + timedelta(hours=81))

    assert only_deflection().outcome is DeflectionOutcome.SOLVED


def test_a_new_question_by_text_within_72_hours_makes_a_false_deflection(
    twilio_post, monkeypatch
) -> None:
    answering(monkeypatch)
    twilio_post("/sms/incoming", sms_params("how do I restart my router"))

    twilio_post("/sms/incoming", sms_params("it still does not work"))

    outcomes = [d.outcome for d in db.session.scalars(select(Deflection).order_by(Deflection.id))]
    assert outcomes == [DeflectionOutcome.FALSE_DEFLECTION, DeflectionOutcome.PENDING]
