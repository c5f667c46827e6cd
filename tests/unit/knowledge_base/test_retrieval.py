"""Which documents a search scores: the rarest terms first, common ones together, capped."""

from __future__ import annotations

from collections import defaultdict

from knowledge_base import CorpusStats, Hit, analyze, find
from knowledge_base.model import Probe
from knowledge_base.postgres_index import tsquery
from knowledge_base.retrieval import MOST_DOCUMENTS, RARE_POSTINGS, in_turn, probes
from knowledge_base.sqlite_index import match_expression


class InMemoryIndex:
    """The SearchIndex Protocol over a list, counting what it is asked."""

    def __init__(self, texts: list[tuple[int, str]]) -> None:
        self.hits = [
            Hit(i, question, "title", text, 1.0, analyze(text, "en").terms)
            for i, (question, text) in enumerate(texts)
        ]
        self.holding: dict[str, set[int]] = defaultdict(set)
        for hit in self.hits:
            for term in hit.terms:
                self.holding[term].add(hit.document_id)
        self.asked: list[tuple[Probe, int]] = []

    def stats(self, terms):
        frequencies = {t: len(self.holding[t]) for t in terms if t in self.holding}
        average = sum(len(h.terms) for h in self.hits) / len(self.hits)
        return CorpusStats(len(self.hits), average, frequencies)

    def documents(self, probe, limit):
        self.asked.append((probe, limit))
        sets = [self.holding.get(term, set()) for term in probe.terms]
        found = set.intersection(*sets) if probe.every else set.union(*sets)
        found -= set().union(*(self.holding.get(term, set()) for term in probe.excluded))
        return [self.hits[i] for i in sorted(found)[:limit]]

    def documents_in_turn(self, requests, enough):
        return in_turn(self, requests, enough)


def noisy(count: int) -> list[tuple[int, str]]:
    return [(1000 + i, f"My card payment number {i} went through") for i in range(count)]


def test_documents_with_a_rare_term_are_all_asked_for_first_and_common_ones_not_at_all():
    stats = CorpusStats(10_000, 5.0, {"card": 4_000, "payment": 2_500, "chargeback": 12})

    planned = list(probes(("card", "payment", "chargeback"), stats))

    assert planned[0] == Probe(("chargeback",), every=False)
    assert planned[1] == Probe(("payment", "card"), every=True, excluded=("chargeback",))
    assert planned[2] == Probe(("payment",), every=True, excluded=("chargeback", "card"))


def test_terms_no_document_holds_are_never_asked_for():
    stats = CorpusStats(10, 5.0, {"card": 3})

    assert list(probes(("card", "zyzzyva"), stats)) == [Probe(("card",), every=False)]


def test_a_rare_word_finds_its_question_among_thousands_holding_the_common_ones():
    index = InMemoryIndex([*noisy(2_000), (1, "Card payment chargeback")])

    _, matches = find(index, "chargeback for my card payment")

    assert matches[0].question_id == 1
    assert sum(limit for _, limit in index.asked) <= MOST_DOCUMENTS
    assert index.asked[0][0].terms == ("chargeback",)


def test_common_words_together_find_the_document_holding_all_of_them():
    texts = [(2000 + i, f"card number {i}") for i in range(1_500)]
    texts += [(3000 + i, f"payment number {i}") for i in range(1_500)]
    index = InMemoryIndex([*texts, (1, "card payment")])

    _, matches = find(index, "card payment")

    assert matches[0].question_id == 1
    assert index.asked[0][0] == Probe(("card", "payment"), every=True)


def test_the_work_per_query_is_capped_however_common_its_words():
    index = InMemoryIndex(noisy(3 * RARE_POSTINGS))

    find(index, "card payment went through")

    assert sum(limit for _, limit in index.asked) <= MOST_DOCUMENTS
    assert len(index.asked) <= 4


def test_probes_become_quoted_terms_and_operators_for_both_databases():
    probe = Probe(("pin", 'it"s'), every=True, excluded=("card", "o'k"))

    assert match_expression(probe) == '("pin" AND "it""s") NOT ("card" OR "o\'k")'
    assert tsquery(probe) == "('pin' & 'it\"s') & !('card' | 'o''k')"
    assert tsquery(Probe(("a\\b",), every=False)) == "('a\\\\b')"
