"""``helpline demo`` loads a community: hundreds of questions in two languages, answered,
voted and accepted, that search finds; loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Member, Question, Vote
from app.services.community import kb_search
from tests.integration.test_demo import run_demo


def count(*what):
    return db.session.scalar(select(func.count()).select_from(*what[:1]).where(*what[1:])) or 0


def test_demo_loads_a_community_in_english_and_spanish_that_search_finds(runner):
    result = run_demo(runner, "--customers", "0")

    assert "member login for /community" in result.output
    assert count(Question) >= 200 and count(Answer) >= 200 and count(Vote) >= 1000
    assert count(Question, Question.language == "es") >= 50
    assert count(Question, Question.accepted_answer_id.is_not(None)) >= 80
    assert count(Answer, Answer.official.is_(True)) >= 50
    assert kb_search.search(db.session, "wifi keeps dropping")
    assert kb_search.search(db.session, "¿cómo envío la lectura del contador?", "es")


def test_loading_the_demo_again_adds_no_community_posts(runner):
    run_demo(runner, "--customers", "0")
    before = (count(Member), count(Question), count(Answer), count(Vote))

    result = run_demo(runner, "--customers", "0")

    assert (count(Member), count(Question), count(Answer), count(Vote)) == before
    assert "Community: already there." in result.output
