"""The knowledge base's plain data: indexed documents, index hits, ranked results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Document:
    """One searchable text of a question: its title, its body or another phrasing of it."""

    question_id: int
    kind: str  # "title", "body" or "phrasing"
    text: str
    language: str = "en"
    weight: float = 1.0


class Hit(NamedTuple):
    """A document the index found for a query, with its stemmed terms for scoring.

    A named tuple, not a dataclass: a search makes up to 1,500 of them, and a tuple is
    made four times faster."""

    document_id: int
    question_id: int
    kind: str
    text: str
    weight: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Probe:
    """A request to an index: the documents holding all (``every``) or any of ``terms``
    and none of ``excluded``."""

    terms: tuple[str, ...]
    every: bool
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs to know of the whole index: its size and each term's spread."""

    documents: int
    average_length: float
    frequencies: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """A question the words of a query point to, before boosts."""

    question_id: int
    lexical: float
    coverage: float  # share of the query's weight (IDF) its best document holds
    matched_terms: tuple[str, ...]
    best: Hit


@dataclass(frozen=True)
class QuestionFacts:
    """What ranking needs of a visible question beyond its words."""

    question_id: int
    title: str
    answer_id: int | None = None
    answer: str | None = None
    accepted: bool = False
    official: bool = False
    votes: int = 0
    pairing: float = 0.0  # learned from outcomes for this very query; 0 when none


@dataclass(frozen=True)
class Reason:
    """Why a result ranks where it does: a kind and words a person can read."""

    kind: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        """The reason as JSON-ready values."""
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class Result:
    """A ranked answer: the question, its best answer, a score, a confidence and why."""

    question_id: int
    title: str
    answer_id: int | None
    answer: str | None
    score: float
    confidence: float  # 0..1, compared with the deflection threshold
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        """The result as JSON-ready values."""
        return {
            "question_id": self.question_id,
            "title": self.title,
            "answer_id": self.answer_id,
            "answer": self.answer,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }
