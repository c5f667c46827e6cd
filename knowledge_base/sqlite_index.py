"""The SQLite index: FTS5 over the documents' stemmed terms.

``kb_fts`` is an external-content FTS5 table (``unicode61 remove_diacritics 2``) over
``kb_documents.terms``, kept current by triggers. Terms are stemmed in Python (English and
Spanish Snowball) before they are stored, since FTS5's own porter tokenizer knows English
only. Every term is quoted, so FTS5 sees no operator but the ones a ``Probe`` asks for.
FTS5 ranks nothing here: it only walks the probe's term lists, and stops at ``limit``.
"""

from __future__ import annotations

from sqlalchemy import text

from knowledge_base.model import Hit, Probe
from knowledge_base.sql_index import SqlIndex, hits

_DOCUMENTS = text(
    "SELECT d.id, d.question_id, d.kind, d.text, d.weight, d.terms "
    "FROM (SELECT rowid AS id FROM kb_fts WHERE kb_fts MATCH :match LIMIT :limit) AS found "
    "JOIN kb_documents AS d ON d.id = found.id"
)


def match_expression(probe: Probe) -> str:
    """The FTS5 query for a probe: ``("a" AND "b") NOT ("c" OR "d")``, each term quoted."""
    wanted = "(" + (" AND " if probe.every else " OR ").join(map(_quoted, probe.terms)) + ")"
    if not probe.excluded:
        return wanted
    return wanted + " NOT (" + " OR ".join(map(_quoted, probe.excluded)) + ")"


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SqliteIndex(SqlIndex):
    """Search documents with SQLite FTS5."""

    def documents(self, probe: Probe, limit: int) -> list[Hit]:
        """Up to ``limit`` documents matching the probe, in FTS5's (rowid) order."""
        if not probe.terms or limit <= 0:
            return []
        params = {"match": match_expression(probe), "limit": limit}
        return hits(self.connection.execute(_DOCUMENTS, params).all())
