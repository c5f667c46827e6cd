"""Texts answered from the community itself (no search injected): a question the community
has answered well gets its answer and link; one it has not goes to a person; a texter
marking the answer solved teaches the search."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import LearnedPairing
from app.services.community import kb_posts
from tests.functional.texts import replies, sms_params

TOPICS = [
    ("How do I restart my router?", "Unplug the router, wait 30 seconds, plug it back in."),
    ("How do I change my Wi-Fi password?", "Open the app, choose Network, then Wi-Fi password."),
    ("Why is my bill higher this month?", "A promotion may have ended; see Billing in the app."),
    ("How do I cancel my subscription?", "Call us or choose Account, then Cancel, in the app."),
    ("Can I move my service to a new address?", "Yes: choose Account, then Move, a week ahead."),
]


def a_community() -> None:
    for title, body in TOPICS:
        question = kb_posts.ask_question(db.session, title, staff=True)
        db.session.flush()
        answer = kb_posts.answer_question(db.session, question.id, body, official=True)
        kb_posts.accept_answer(db.session, answer.id, question.id)
    db.session.commit()


def test_a_question_the_community_answered_is_texted_its_answer_and_page(twilio_post):
    a_community()

    [reply] = replies(twilio_post("/sms/incoming", sms_params("how can i restart the router")))

    assert "Unplug the router" in reply
    assert "https://helpline.example.com/community/q/" in reply and "restart-my-router" in reply
    assert "YES" in reply and "AGENT" in reply


def test_a_question_nobody_answered_goes_to_a_person(twilio_post):
    a_community()

    [reply] = replies(twilio_post("/sms/incoming", sms_params("my dog ate the remote control")))

    assert "Unplug" not in reply and "a person" in reply.lower()


def test_yes_after_the_answer_teaches_the_search(twilio_post):
    a_community()
    replies(twilio_post("/sms/incoming", sms_params("how can i restart the router")))

    replies(twilio_post("/sms/incoming", sms_params("YES")))

    pairing = db.session.scalars(select(LearnedPairing)).one()
    assert pairing.solved == 1 and pairing.weight > 0
