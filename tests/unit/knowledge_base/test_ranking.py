"""The knowledge base's core: words, BM25 per question, boosts, confidence, reasons."""

from __future__ import annotations

import pytest

from knowledge_base import (
    CorpusStats,
    Hit,
    QuestionFacts,
    analyze,
    match_questions,
    query_key,
    rank,
    should_deflect,
)

STATS = CorpusStats(documents=100, average_length=4.0, frequencies={"card": 30, "arriv": 3})


def hit(doc: int, question: int, text: str, kind: str = "phrasing") -> Hit:
    return Hit(doc, question, kind, text, 1.0, analyze(text).terms)


@pytest.mark.parametrize(
    "hostile", ['"', "*", "NEAR(", "-", ":", "AND", "OR", "😀😀", "", "   ", '"a" OR b*']
)
def test_operators_and_punctuation_become_plain_words_or_nothing(hostile):
    analysis = analyze(hostile)

    assert all(term.isalnum() for term in analysis.terms)


def test_spanish_words_are_stemmed_as_spanish_and_accents_do_not_matter():
    assert analyze("¿Cómo cambio mi tarjeta?").language == "es"
    assert analyze("tarjetas", "es").terms == analyze("tarjeta", "es").terms
    assert query_key("canción nueva", "es") == query_key("cancion nueva", "es")


def test_a_question_with_several_matching_phrasings_beats_one_matching_once():
    query = analyze("my card has not arrived").terms
    hits = [
        hit(1, 10, "card arrived late"),
        hit(2, 10, "when will my card arrive"),
        hit(3, 20, "card arrived broken"),
    ]

    matches = match_questions(query, hits, STATS)

    assert [m.question_id for m in matches] == [10, 20]


def test_an_accepted_well_voted_answer_ranks_a_question_up():
    query = analyze("card arrived").terms
    matches = match_questions(query, [hit(1, 1, "card arrived"), hit(2, 2, "card arrived")], STATS)
    facts = {
        1: QuestionFacts(1, "one", answer_id=5, answer="x"),
        2: QuestionFacts(2, "two", answer_id=6, answer="y", accepted=True, votes=7),
    }

    results = rank(matches, facts)

    assert [r.question_id for r in results] == [2, 1]
    assert {r.kind for r in results[0].reasons} >= {"accepted_answer", "votes", "matched_terms"}


def test_questions_without_facts_are_never_returned():
    matches = match_questions(analyze("card").terms, [hit(1, 1, "card")], STATS)

    assert rank(matches, {}) == []


def test_a_clear_winner_is_confident_and_deflects_a_close_call_does_not():
    query = analyze("card arrived").terms
    clear = match_questions(query, [hit(1, 1, "card arrived"), hit(2, 2, "card")], STATS)
    close = match_questions(query, [hit(1, 1, "card arrived"), hit(2, 2, "card arrived")], STATS)
    facts = {q: QuestionFacts(q, "t", answer_id=q, answer="a") for q in (1, 2)}

    assert should_deflect(rank(clear, facts), 0.56) is not None
    assert should_deflect(rank(close, facts), 0.56) is None
    assert all(0 <= r.confidence <= 1 for r in rank(clear, facts) + rank(close, facts))


def test_false_deflections_for_a_query_push_its_question_down():
    query = analyze("card arrived").terms
    matches = match_questions(query, [hit(1, 1, "card arrived"), hit(2, 2, "card arrived")], STATS)
    facts = {
        1: QuestionFacts(1, "one", pairing=-3),
        2: QuestionFacts(2, "two"),
    }

    assert [r.question_id for r in rank(matches, facts)] == [2, 1]


def test_a_question_without_stop_words_is_stemmed_in_english_and_spanish_both():
    analysis = analyze("cambiar pin")

    assert analysis.language == ""
    assert {"cambi", "cambiar", "pin"} <= set(analysis.terms)
    assert analyze("canción nueva").language == "es"  # Spanish letters tell


def test_negations_are_kept_so_not_arrived_differs_from_arrived():
    assert "not" in analyze("my card has not arrived").terms


def test_query_words_side_by_side_in_a_text_score_above_the_same_words_apart():
    query = analyze("card arrived").terms
    hits = [hit(1, 10, "arrived a new card"), hit(2, 20, "new card arrived")]

    matches = match_questions(query, hits, STATS)

    assert [m.question_id for m in matches] == [20, 10]
