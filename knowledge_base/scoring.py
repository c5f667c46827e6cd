"""Lexical scoring: BM25 of each document found, gathered per question.

A question is found through any of its texts. Its score adds up its best few documents
(of the query's best 50) with halving weights (1, 1/2, 1/4, ...): a question several of
whose phrasings match the query beats one that matched once, the nearest neighbours
voting. On BANKING77 this takes top-1 from 0.81 (the best document alone) to about 0.85;
query terms found side by side add a little more (``PHRASE_BONUS``). Constants were
chosen by 5-fold cross-validation on BANKING77's training questions, never its test set.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from knowledge_base.model import CorpusStats, Hit, Match

K1 = 1.2
B = 0.75
VOTING_DOCUMENTS = 8
# Two of the query's terms side by side in a document ("card arrived", "exchange rate")
# add this share of their mean IDF (BANKING77 cross-validated top-1 +0.6 points).
PHRASE_BONUS = 0.35


def idf(term: str, stats: CorpusStats) -> float:
    """BM25's inverse document frequency, never below 0; an unseen term weighs most."""
    n = max(stats.documents, 1)
    df = min(stats.frequencies.get(term, 0), n)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def bm25(query: Sequence[str], hit: Hit, stats: CorpusStats) -> float:
    """BM25 (k1 1.2, b 0.75) of one document for the query's distinct terms, plus
    ``PHRASE_BONUS`` for each pair of the query's neighbouring terms found side by side."""
    return _Scorer(query, stats).score(hit.terms)


class _Scorer:
    """BM25 for one query, its IDFs worked out once for the up to 1,500 documents found."""

    def __init__(self, query: Sequence[str], stats: CorpusStats) -> None:
        self.weights = {term: idf(term, stats) for term in dict.fromkeys(query)}
        self.terms = frozenset(self.weights)
        self.order = {term: i for i, term in enumerate(self.weights)}.__getitem__
        self.total = sum(self.weights.values())
        pairs = dict.fromkeys(zip(query, query[1:], strict=False))
        # " a b " in " x a b y ": a substring test is far cheaper than walking the tuple.
        self.pairs = [(a, b, f" {a} {b} ") for a, b in pairs if a != b]
        self.average = max(stats.average_length, 1e-9)

    def score(self, terms: tuple[str, ...]) -> float:
        # The query's terms this document holds, found in one pass (C, not a Python loop over
        # a 27-term query): only those are counted.
        held = self.terms.intersection(terms)
        if not held:
            return 0.0
        norm = K1 * (1 - B + B * len(terms) / self.average)
        total = 0.0
        # Summed in the query's order, so every score is the same to the last bit.
        for term in sorted(held, key=self.order) if len(held) > 1 else held:
            tf = terms.count(term)  # faster than a Counter of the document's terms
            total += self.weights[term] * tf * (K1 + 1) / (tf + norm)
        if len(held) > 1 and self.pairs:
            text = f" {' '.join(terms)} "
            for a, b, pair in self.pairs:
                if a in held and b in held and pair in text:
                    total += PHRASE_BONUS * (self.weights[a] + self.weights[b]) / 2
        return total

    def coverage(self, terms: tuple[str, ...]) -> float:
        found = sum(weight for term, weight in self.weights.items() if term in terms)
        return found / self.total if self.total else 0.0


def match_questions(
    query: Sequence[str], hits: Iterable[Hit], stats: CorpusStats, documents: int | None = None
) -> list[Match]:
    """Questions the hits belong to, best first, each scored by its best documents; only
    the best ``documents`` hits count when given (the nearest neighbours vote)."""
    scorer = _Scorer(query, stats)
    scored = [(scorer.score(hit.terms) * hit.weight, hit) for hit in hits]
    scored = [pair for pair in scored if pair[0] > 0]
    if documents is not None and len(scored) > documents:
        scored = heapq.nlargest(documents, scored, key=lambda pair: (pair[0], -pair[1].document_id))
    by_question: dict[int, list[tuple[float, Hit]]] = defaultdict(list)
    for score, hit in scored:
        by_question[hit.question_id].append((score, hit))
    matches = [_match(query, pairs, scorer) for pairs in by_question.values()]
    return sorted(matches, key=lambda match: (-match.lexical, match.question_id))


def _match(query: Sequence[str], scored: list[tuple[float, Hit]], scorer: _Scorer) -> Match:
    scored.sort(key=lambda pair: -pair[0])
    lexical = sum(score * 0.5**i for i, (score, _) in enumerate(scored[:VOTING_DOCUMENTS]))
    best = scored[0][1]
    return Match(
        question_id=best.question_id,
        lexical=lexical,
        coverage=scorer.coverage(best.terms),
        matched_terms=tuple(dict.fromkeys(t for t in query if t in best.terms)),
        best=best,
    )


def coverage(query: Sequence[str], terms: Iterable[str], stats: CorpusStats) -> float:
    """The share of the query's IDF weight found in ``terms``: 1.0 when all of it is."""
    return _Scorer(query, stats).coverage(tuple(terms))
