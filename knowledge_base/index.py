"""The search index's Protocol: what ``search`` needs of any store of documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from knowledge_base.model import CorpusStats, Document, Hit
from knowledge_base.text import Analysis

# Documents the index returns per query before they are scored and gathered by question.
CANDIDATES = 50


class SearchIndex(Protocol):
    """Documents of visible questions, found by words; kept current by the writer."""

    def add(self, documents: Sequence[Document]) -> None:
        """Index the documents (a question's title, body and phrasings)."""

    def remove(self, question_ids: Iterable[int]) -> None:
        """Drop every document of these questions from the index."""

    def candidates(self, query: Analysis, limit: int = CANDIDATES) -> list[Hit]:
        """The documents that best match the query's words, best first."""

    def stats(self, terms: Iterable[str]) -> CorpusStats:
        """Document count, average length and the frequency of each of ``terms``."""
