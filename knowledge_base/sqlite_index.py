"""The SQLite index: FTS5 over the documents' stemmed terms, ranked by its bm25().

``kb_fts`` is an external-content FTS5 table (``unicode61 remove_diacritics 2``) over
``kb_documents.terms``, kept current by triggers. Terms are stemmed in Python (English and
Spanish Snowball) before they are stored, since FTS5's own porter tokenizer knows English
only. Every query term is quoted, so FTS5 sees no operator whatever was typed.
"""

from __future__ import annotations

from sqlalchemy import text

from knowledge_base.model import Hit
from knowledge_base.sql_index import SqlIndex, hits
from knowledge_base.text import Analysis

_CANDIDATES = text(
    "SELECT d.id, d.question_id, d.kind, d.text, d.weight, d.terms "
    "FROM (SELECT rowid AS id, rank FROM kb_fts WHERE kb_fts MATCH :match "
    "      ORDER BY rank LIMIT :limit) AS found "
    "JOIN kb_documents AS d ON d.id = found.id ORDER BY found.rank"
)


def match_expression(terms: tuple[str, ...]) -> str:
    """An FTS5 query matching any of the terms; each is a quoted string, never an operator."""
    quoted = ('"' + term.replace('"', '""') + '"' for term in dict.fromkeys(terms))
    return " OR ".join(quoted)


class SqliteIndex(SqlIndex):
    """Search documents with SQLite FTS5."""

    def candidates(self, query: Analysis, limit: int = 50) -> list[Hit]:
        """The documents with the best bm25() for any of the query's terms."""
        if not query.terms:
            return []
        params = {"match": match_expression(query.terms), "limit": limit}
        return hits(self.connection.execute(_CANDIDATES, params))
