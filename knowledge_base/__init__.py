"""The knowledge base: questions in, ranked answers with scores and reasons out.

The core (``text``, ``scoring``, ``search``) is plain Python. The SQL indexes live in
``knowledge_base.sql_index``, ``sqlite_index`` and ``postgres_index``, chosen by
``knowledge_base.indexes.index_for``; they are imported from there, never from here.
"""

from knowledge_base.index import CANDIDATES, SearchIndex
from knowledge_base.model import (
    CorpusStats,
    Document,
    Hit,
    Match,
    QuestionFacts,
    Reason,
    Result,
)
from knowledge_base.scoring import bm25, coverage, match_questions
from knowledge_base.search import (
    DEFAULT_DEFLECT_THRESHOLD,
    boost,
    confidence,
    explain,
    find,
    rank,
    should_deflect,
)
from knowledge_base.text import (
    Analysis,
    analyze,
    detect_language,
    key_of,
    plain_words,
    query_key,
)

__all__ = [
    "CANDIDATES",
    "DEFAULT_DEFLECT_THRESHOLD",
    "Analysis",
    "CorpusStats",
    "Document",
    "Hit",
    "Match",
    "QuestionFacts",
    "Reason",
    "Result",
    "SearchIndex",
    "analyze",
    "bm25",
    "boost",
    "confidence",
    "coverage",
    "detect_language",
    "explain",
    "find",
    "key_of",
    "match_questions",
    "plain_words",
    "query_key",
    "rank",
    "should_deflect",
]
