"""The SQL indexes on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from app.extensions import db
from app.services.community.kb_indexing import index
from knowledge_base import analyze
from knowledge_base.retrieval import ENOUGH, MOST_PER_REQUEST, RARE_POSTINGS, in_turn, probes
from tests.integration.kb.test_search import noisy_questions


def test_probes_asked_at_once_find_the_documents_they_find_asked_one_at_a_time(app):
    # Written first, so a scan in the table's order meets them first.
    noisy_questions(6000, [f"Card payment chargeback {i}" for i in range(3)])
    noisy_questions(5000, [f"Card payment {i}" for i in range(20)])
    noisy_questions(1000, [f"Payment number {i}" for i in range(1_200)])
    noisy_questions(3000, [f"Card number {i}" for i in range(1_200)])
    searched = index(db.session)
    terms = analyze("chargeback for my card payment", "en").terms
    asked = list(probes(terms, searched.stats(terms)))
    requests = [(p, MOST_PER_REQUEST if p.every else RARE_POSTINGS) for p in asked]

    at_once = searched.documents_in_turn(requests, ENOUGH)
    one_at_a_time = in_turn(searched, requests, ENOUGH)

    assert len(asked) == 3  # chargeback; card and payment; card without payment
    assert sorted(hit.document_id for hit in at_once) == sorted(
        hit.document_id for hit in one_at_a_time
    )
    assert len(at_once) == 3 + 20 + MOST_PER_REQUEST
    assert len({hit.document_id for hit in at_once}) == len(at_once)
