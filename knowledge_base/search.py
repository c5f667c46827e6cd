"""Ranking beyond words, the confidence of each answer, and the deflection decision.

Score = lexical score (``scoring``) x boosts: an accepted answer, votes, and what outcomes
taught about this very query. Confidence (0..1) is how clearly a result beats its nearest
rival, ``score / (score + rival's score)``, scaled down when its best text holds less than
half of the query's weight. It was calibrated on BANKING77 (``benchmarks/kb.py``): deflect
only at or above ``DEFAULT_DEFLECT_THRESHOLD``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from knowledge_base.index import CANDIDATES, SearchIndex
from knowledge_base.model import Match, QuestionFacts, Reason, Result
from knowledge_base.retrieval import gather
from knowledge_base.scoring import match_questions
from knowledge_base.text import Analysis, analyze

# The lowest confidence whose answers were right 95 % of the time on BANKING77's held-out
# training questions (benchmarks/kb.py --calibrate); the app's KB_DEFLECT_THRESHOLD.
DEFAULT_DEFLECT_THRESHOLD = 0.56
ACCEPTED_BOOST = 0.10
VOTE_BOOST = 0.05  # per doubling of the votes
MOST_VOTE_BOOST = 0.20
PAIRING_STEP = 0.15  # per solved (+) or false (-) deflection for this query
PAIRING_RANGE = (0.25, 2.0)
FULL_COVERAGE = 0.5  # below this share of the query's weight, confidence shrinks


def find(
    index: SearchIndex, question: str, language: str | None = None, limit: int = CANDIDATES
) -> tuple[Analysis, list[Match]]:
    """The question's words and the questions they point to, best first, before boosts:
    the documents ``retrieval`` finds, scored by BM25, the best ``limit`` voting."""
    query = analyze(question, language)
    if not query.terms:
        return query, []
    stats = index.stats(query.terms)
    found = gather(index, query.terms, stats)
    return query, match_questions(query.terms, found, stats, limit)


def rank(matches: Sequence[Match], facts: Mapping[int, QuestionFacts], k: int = 5) -> list[Result]:
    """The best ``k`` results; matches without facts (hidden, gone) are never returned."""
    scored = [
        (match, facts[match.question_id], match.lexical * boost(facts[match.question_id]))
        for match in matches
        if match.question_id in facts
    ]
    scored.sort(key=lambda item: (-item[2], item[0].question_id))
    scores = [score for _, _, score in scored]
    return [
        _result(match, fact, score, confidence(i, scores, match.coverage))
        for i, (match, fact, score) in enumerate(scored[: max(k, 0)])
    ]


def boost(fact: QuestionFacts) -> float:
    """The multiplier a question's answer and its history earn it."""
    factor = 1.0 + (ACCEPTED_BOOST if fact.accepted else 0.0)
    if fact.votes:
        votes = VOTE_BOOST * math.log2(1 + abs(fact.votes))
        factor += math.copysign(min(votes, MOST_VOTE_BOOST), fact.votes)
    low, high = PAIRING_RANGE
    return factor * min(max(1.0 + PAIRING_STEP * fact.pairing, low), high)


def confidence(position: int, scores: Sequence[float], coverage: float) -> float:
    """How clearly the result at ``position`` beats its nearest rival, in 0..1."""
    score = scores[position]
    rivals = [s for i, s in enumerate(scores[:2]) if i != position] if len(scores) > 1 else []
    rival = max(rivals) if rivals else 0.0
    share = score / (score + rival) if score + rival > 0 else 0.0
    return share * min(1.0, coverage / FULL_COVERAGE)


def should_deflect(results: Sequence[Result], threshold: float) -> Result | None:
    """The answer to send instead of a person, or None when none is confident enough."""
    if results and results[0].answer and results[0].confidence >= threshold:
        return results[0]
    return None


def _result(match: Match, fact: QuestionFacts, score: float, sure: float) -> Result:
    return Result(
        question_id=match.question_id,
        title=fact.title,
        answer_id=fact.answer_id,
        answer=fact.answer,
        score=score,
        confidence=sure,
        reasons=explain(match, fact),
    )


def explain(match: Match, fact: QuestionFacts) -> tuple[Reason, ...]:
    """The reasons for a result, in words: terms, the text matched, boosts."""
    reasons = [Reason("matched_terms", ", ".join(match.matched_terms))]
    if match.best.kind != "title":
        reasons.append(Reason(f"matched_{match.best.kind}", match.best.text[:200]))
    if fact.accepted:
        reasons.append(Reason("accepted_answer", f"+{ACCEPTED_BOOST:.0%}"))
    if fact.official:
        reasons.append(Reason("official_answer", "answered by staff"))
    if fact.votes:
        reasons.append(Reason("votes", f"{fact.votes:+d}"))
    if fact.pairing:
        reasons.append(Reason("learned_pairing", f"{fact.pairing:+g} outcomes for this query"))
    return tuple(reasons)
