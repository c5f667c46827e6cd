"""Knowledge-base search on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.models import Answer, LearnedPairing, PhrasingSource, PostStatus, Question
from app.services.community import kb_posts
from app.services.community.kb_indexing import index
from app.services.community.kb_search import record_outcome, search
from knowledge_base import Document


def post(title, answer=None, body="", language="en", **answer_options):
    question = kb_posts.ask_question(db.session, title, body, language=language)
    if answer is not None:
        kb_posts.answer_question(db.session, question.id, answer, **answer_options)
    db.session.commit()
    return question


@pytest.fixture
def community(app):
    return {
        "card": post("My new card has not arrived", "Cards take up to 7 working days."),
        "pin": post("How do I change my PIN?", "Settings, then Security, then PIN."),
        "pin_es": post(
            "¿Cómo cambio el PIN de mi tarjeta?", "En Ajustes, Seguridad.", language="es"
        ),
        "fees": post("Why was I charged a fee for a transfer?", "Transfers abroad cost 1 %."),
    }


def ids(results):
    return [result.question_id for result in results]


def test_a_differently_worded_question_finds_the_right_post_with_its_answer(community):
    results = search(db.session, "my cards haven't arrived yet")

    assert ids(results)[0] == community["card"].id
    assert results[0].answer == "Cards take up to 7 working days."
    assert results[0].reasons[0].kind == "matched_terms"
    assert "card" in results[0].reasons[0].detail


def test_spanish_questions_find_spanish_posts_by_their_stems(community):
    results = search(db.session, "cambiar el pin de mis tarjetas", language="es")

    assert ids(results)[0] == community["pin_es"].id


def test_the_accepted_answer_is_offered_before_a_better_voted_one(community):
    pin = community["pin"]
    other = kb_posts.answer_question(db.session, pin.id, "Call us.")
    other.score = 9
    accepted = kb_posts.answer_question(db.session, pin.id, "In the app: Card, then PIN.")
    kb_posts.accept_answer(db.session, accepted.id, pin.id)
    db.session.commit()

    best = search(db.session, "change my pin")[0]

    assert best.answer_id == accepted.id
    assert "accepted_answer" in [reason.kind for reason in best.reasons]


def test_hidden_and_held_questions_never_appear_until_restored(community):
    kb_posts.set_question_status(db.session, community["card"].id, PostStatus.HIDDEN)
    held = post("Card not arrived after two weeks", "Held answer")
    kb_posts.set_question_status(db.session, held.id, PostStatus.HELD)
    db.session.commit()

    hidden_results = search(db.session, "card not arrived", k=10)
    kb_posts.set_question_status(db.session, community["card"].id, PostStatus.VISIBLE)
    db.session.commit()

    assert community["card"].id not in ids(hidden_results)
    assert held.id not in ids(hidden_results)
    assert community["card"].id in ids(search(db.session, "card not arrived"))


def test_spanish_without_stop_words_is_still_searched_as_spanish(community):
    results = search(db.session, "cambiar pin")

    assert ids(results)[0] == community["pin_es"].id


def noisy_questions(first_id, texts):
    """Questions written in bulk (as a large community would be), each with an answer."""
    rows = [{"id": first_id + i, "title": text, "body": ""} for i, text in enumerate(texts)]
    db.session.execute(insert(Question), rows)
    db.session.execute(insert(Answer), [{"question_id": r["id"], "body": "x"} for r in rows])
    index(db.session).add([Document(r["id"], "title", r["title"]) for r in rows])
    db.session.commit()


def test_a_rare_word_finds_its_question_among_2000_holding_the_common_words(community):
    noisy_questions(1000, [f"Card payment number {i} to a shop" for i in range(2_000)])
    chargeback = post("Card payment chargeback", "Open a dispute in the app.")

    results = search(db.session, "can I get a chargeback on my card payment?")

    assert ids(results)[0] == chargeback.id


def test_common_words_find_the_question_holding_all_of_them_among_thousands(community):
    noisy_questions(1000, [f"Top up number {i}" for i in range(1_200)])
    noisy_questions(3000, [f"Pending transfer {i}" for i in range(1_200)])
    wanted = post("Pending top up", "It takes an hour.")

    results = search(db.session, "my top up is still pending")

    assert ids(results)[0] == wanted.id


def test_a_hidden_answer_is_never_offered(community):
    answer = community["fees"].answers[0]
    kb_posts.set_answer_status(db.session, answer.id, PostStatus.HIDDEN)
    db.session.commit()

    result = search(db.session, "transfer fee")[0]

    assert result.question_id == community["fees"].id
    assert result.answer is None


def test_an_edited_question_is_found_by_its_new_words_only(community):
    kb_posts.edit_question(db.session, community["fees"].id, title="Why is there a commission?")
    db.session.commit()

    assert community["fees"].id in ids(search(db.session, "commission"))
    assert community["fees"].id not in ids(search(db.session, "charged"))


def test_a_merged_duplicate_becomes_a_phrasing_of_the_question_it_joins(community):
    duplicate = post("Delivery of plastic taking forever", "Wait a bit.")

    kb_posts.merge_question(db.session, duplicate.id, community["card"].id)
    db.session.commit()
    results = search(db.session, "plastic delivery forever")

    assert ids(results) == [community["card"].id]
    assert results[0].reasons[1].kind == "matched_phrasing"
    assert [p.source for p in community["card"].phrasings] == [PhrasingSource.MERGED]


def test_a_solved_deflection_teaches_the_query_and_a_false_one_unlearns_it(community):
    query = "where is my plastic"
    before = search(db.session, query)

    record_outcome(db.session, query, community["card"].id, solved=True)
    db.session.commit()
    learned = search(db.session, query)
    record_outcome(db.session, query, community["card"].id, solved=False)
    db.session.commit()
    unlearned = search(db.session, query)

    assert before == []
    assert ids(learned) == [community["card"].id]
    assert {r.kind for r in learned[0].reasons} >= {"learned_pairing", "matched_phrasing"}
    assert unlearned == []
    assert db.session.scalars(select(LearnedPairing)).one().false == 1


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "*",
        "NEAR(",
        "NEAR(card pin",
        "-",
        ":",
        "AND",
        "OR",
        "NOT",
        "😀🔥",
        "",
        "   ",
        '"card',
        "card*",
        "-pin",
        "pin:card",
        "card OR",
        "(((",
        "a" * 2000,
        "x " * 900,
        "\x00",
    ],
)
def test_operators_and_punctuation_never_raise(community, hostile):
    results = search(db.session, hostile)

    assert isinstance(results, list)
