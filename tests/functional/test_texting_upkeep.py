"""Texting's upkeep, which the worker's sweep runs once a minute: a text that asked for a
person while nobody was at work is put in line once someone is, without the texter having
to write again; an answer nobody replied to is settled as "no reply"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Conversation,
    ConversationState,
    Deflection,
    DeflectionChannel,
    DeflectionOutcome,
    utcnow,
)
from app.services.agents import offer_sweeper
from app.services.texting import upkeep
from tests.functional.desks import hire
from tests.functional.texts import replies, sms_params


def test_a_text_that_waited_nowhere_is_offered_once_an_agent_is_at_work(app, center, twilio_post):
    [told] = replies(twilio_post("/sms/incoming", sms_params("AGENT")))
    conversation = db.session.scalars(select(Conversation)).one()
    assert conversation.state is ConversationState.QUEUED
    assert center.waiting_count("general") == 0  # nobody at work: it waits nowhere
    ana = hire(app, "Ana Torres")
    ana.available()

    done = upkeep.run_if_due(db.session)
    again = upkeep.run_if_due(db.session)

    assert done is not None and done.requeued == 1
    assert again is None  # once a minute across the workers
    assert ana.offer()["contact_id"] == f"sms:{conversation.id}"
    assert "+1" in told  # the texter was given the human line meanwhile


def test_an_answer_nobody_replied_to_is_settled_by_the_sweep_loop(app, center):
    db.session.add(
        Deflection(
            channel=DeflectionChannel.SMS,
            phone="+14155550123",
            query_text="restart router",
            question_id=None,
            outcome=DeflectionOutcome.PENDING,
            created_at=utcnow() - timedelta(days=2),
        )
    )
    db.session.commit()

    offer_sweeper.run(every=0.01, keep_going=iter([True, False]).__next__)

    db.session.expire_all()
    settled = db.session.scalars(select(Deflection)).one()
    assert settled.outcome is DeflectionOutcome.NO_REPLY
