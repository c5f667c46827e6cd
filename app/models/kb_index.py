"""The search index's tables, written only by ``knowledge_base``'s SQL indexes.

The dialect's own full-text structures over ``kb_documents`` (SQLite's ``kb_fts`` FTS5
table and its triggers; PostgreSQL's generated ``search_vector`` column and its GIN index)
are made by migration 0009 and not modelled here: see ``INDEX_OBJECTS``.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# Names of database objects the models leave to the database (schema comparisons skip them).
INDEX_OBJECTS = frozenset(
    {
        "kb_fts",
        "kb_fts_data",
        "kb_fts_idx",
        "kb_fts_docsize",
        "kb_fts_config",
        "search_vector",
        "ix_kb_documents_search_vector",
    }
)


class KbDocument(Base):
    """One searchable text of a visible question, with its stemmed terms."""

    __tablename__ = "kb_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    weight: Mapped[float] = mapped_column(Float)
    terms: Mapped[str] = mapped_column(Text)
    length: Mapped[int]


class KbTerm(Base):
    """How many documents hold a term (and the totals under ``#documents``, ``#length``)."""

    __tablename__ = "kb_terms"

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    documents: Mapped[int]
