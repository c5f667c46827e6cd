"""The search index's Protocol: what ``search`` needs of any store of documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from knowledge_base.model import CorpusStats, Document, Hit, Probe

# The best-scored documents per query that are gathered by question (the neighbours that
# vote); more found documents are scored, fewer vote.
CANDIDATES = 50


class SearchIndex(Protocol):
    """Documents of visible questions, found by words; kept current by the writer."""

    def add(self, documents: Sequence[Document]) -> None:
        """Index the documents (a question's title, body and phrasings)."""

    def remove(self, question_ids: Iterable[int]) -> None:
        """Drop every document of these questions from the index."""

    def documents(self, probe: Probe, limit: int) -> list[Hit]:
        """Up to ``limit`` documents holding all (or any) of the probe's terms and none of
        its excluded ones, in no particular order."""

    def documents_in_turn(self, requests: Sequence[tuple[Probe, int]], enough: int) -> list[Hit]:
        """The ``documents`` of each ``(probe, limit)`` request in turn, stopping after the
        one that brings the documents found to ``enough``; an index may ask them all at once.

        A request's excluded terms leave out just what the requests before it can find (see
        ``retrieval.probes``). A request is made only when those before it found fewer than
        ``enough``, so, with no limit below ``enough``, each of them found all it could: an
        index may then leave out the documents already found instead of reading the excluded
        terms' (long) lists."""

    def stats(self, terms: Iterable[str]) -> CorpusStats:
        """Document count, average length and the frequency of each of ``terms``."""
