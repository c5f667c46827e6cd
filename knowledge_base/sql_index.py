"""What both SQL indexes share: the documents table and the term counts BM25 needs.

Tables (made by the app's migrations): ``kb_documents`` (one row per searchable text, its
stemmed terms included) and ``kb_terms`` (how many documents hold each term, plus two
totals under the keys ``#documents`` and ``#length``). The dialect's own full-text index
over ``kb_documents`` is kept by the database itself (FTS5 triggers, a generated tsvector).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from knowledge_base.model import CorpusStats, Document, Hit, Probe
from knowledge_base.retrieval import in_turn
from knowledge_base.text import analyze, detect_language, plain_words

DOCUMENTS = "#documents"  # keys that no analyzed term can be (terms are letters and digits)
LENGTH = "#length"
# The longest text indexed per document: a post's opening says what it is about.
MOST_INDEXED_WORDS = 400

_INSERT = text(
    "INSERT INTO kb_documents (question_id, kind, text, language, weight, terms, length) "
    "VALUES (:question_id, :kind, :text, :language, :weight, :terms, :length)"
)
_COUNT = text(
    "INSERT INTO kb_terms (term, documents) VALUES (:term, :change) "
    "ON CONFLICT (term) DO UPDATE SET documents = kb_terms.documents + excluded.documents"
)
_OF_QUESTIONS = text(
    "SELECT id, terms, length FROM kb_documents WHERE question_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_DELETE = text("DELETE FROM kb_documents WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_STATS = text("SELECT term, documents FROM kb_terms WHERE term IN :terms").bindparams(
    bindparam("terms", expanding=True)
)


class SqlIndex:
    """Writes and statistics on ``kb_documents``/``kb_terms``; subclasses find candidates."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, documents: Sequence[Document]) -> None:
        """Index the documents and count their terms, in the caller's transaction."""
        rows = [row for row in map(_row, documents) if row["length"]]
        if not rows:
            return
        self.connection.execute(_INSERT, rows)
        changes: Counter[str] = Counter()
        for row in rows:
            changes.update(set(str(row["terms"]).split()))
        changes[DOCUMENTS] += len(rows)
        changes[LENGTH] += sum(row["length"] for row in rows)
        self._count(changes)

    def remove(self, question_ids: Iterable[int]) -> None:
        """Drop the questions' documents and uncount their terms."""
        ids = list(question_ids)
        if not ids:
            return
        found = self.connection.execute(_OF_QUESTIONS, {"ids": ids}).all()
        if not found:
            return
        changes: Counter[str] = Counter()
        for _, terms, _length in found:
            changes.update(set(terms.split()))
        changes[DOCUMENTS] += len(found)
        changes[LENGTH] += sum(length for _, _, length in found)
        self.connection.execute(_DELETE, {"ids": [row[0] for row in found]})
        self._count(Counter({term: -n for term, n in changes.items()}))

    def stats(self, terms: Iterable[str]) -> CorpusStats:
        """Document count, average length and the document frequency of each term."""
        keys = sorted(set(terms) | {DOCUMENTS, LENGTH})
        rows = self.connection.execute(_STATS, {"terms": keys}).all()
        counts: dict[str, int] = {str(term): int(n) for term, n in rows}
        documents = counts.pop(DOCUMENTS, 0)
        length = counts.pop(LENGTH, 0)
        average = length / documents if documents else 1.0
        return CorpusStats(documents, average, counts)

    def _count(self, changes: Counter[str]) -> None:
        # Sorted, so concurrent writers lock the same rows in the same order (no deadlock).
        rows = [{"term": t, "change": n} for t, n in sorted(changes.items()) if n]
        if rows:
            self.connection.execute(_COUNT, rows)

    def documents(self, probe: Probe, limit: int) -> list[Hit]:
        """Up to ``limit`` documents matching the probe; each dialect has its own."""
        raise NotImplementedError

    def documents_in_turn(self, requests: Sequence[tuple[Probe, int]], enough: int) -> list[Hit]:
        """Each request's documents in turn until ``enough`` are found, one query each."""
        return in_turn(self, requests, enough)


def _row(document: Document) -> dict[str, Any]:
    # A document's language is known or guessed, never both: its terms are what it says.
    language = document.language or detect_language(plain_words(document.text))
    analysis = analyze(document.text, language, MOST_INDEXED_WORDS)
    return {
        "question_id": document.question_id,
        "kind": document.kind,
        "text": document.text,
        "language": analysis.language,
        "weight": document.weight,
        "terms": " ".join(analysis.terms),
        "length": len(analysis.terms),
    }


def hits(rows: Iterable[Sequence[Any]]) -> list[Hit]:
    """Hits from rows of (id, question_id, kind, text, weight, terms); fetched all at once
    (``Result.all()``), which at 1,500 rows is a third faster than a fetch per row."""
    return [Hit(i, q, kind, body, w, tuple(t.split())) for i, q, kind, body, w, t in rows]
