"""Search latency at 100,000 posts for benchmarks/kb.py: our search against bm25s in memory."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import bm25s
from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

from app.models import Answer, Question
from app.services import schema
from app.services.community.kb_indexing import BODY_WEIGHT
from app.services.community.kb_search import search
from knowledge_base import Document
from knowledge_base.indexes import index_for

BATCH = 2_000


def load_posts(url: str, posts: list[tuple[str, str]]) -> Any:
    """A migrated database holding the posts (each with one answer), indexed; its engine."""
    schema.upgrade(url)
    engine = create_engine(url)
    for start in range(0, len(posts), BATCH):
        chunk = posts[start : start + BATCH]
        with engine.begin() as connection:
            first = start + 1
            connection.execute(
                insert(Question),
                [{"id": first + i, "title": t, "body": b} for i, (t, b) in enumerate(chunk)],
            )
            connection.execute(
                insert(Answer),
                [
                    {"question_id": first + i, "body": f"Answer {first + i}"}
                    for i in range(len(chunk))
                ],
            )
            index_for(connection).add(
                [
                    doc
                    for i, (title, body) in enumerate(chunk)
                    for doc in (
                        Document(first + i, "title", title),
                        Document(first + i, "body", body, weight=BODY_WEIGHT),
                    )
                ]
            )
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('questions_id_seq', :n)"), {"n": len(posts)})
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # A community's tables are at rest, not freshly loaded: without this the first reads
        # set hint bits and autovacuum runs during the measurement (the faster the load, the
        # more of it overlaps the searches).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    return engine


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def timed(call: Callable[[str], object], queries: list[str], warmup: int = 20) -> list[float]:
    """Seconds of each call, after a warm-up."""
    for query in queries[:warmup]:
        call(query)
    samples = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        samples.append(time.perf_counter() - started)
    return samples


def our_latency(engine: Any, queries: list[str]) -> dict[str, float]:
    """p50/p99 of ``search`` (k=5), each in its own transaction, as a webhook's would be."""
    with Session(engine) as session:

        def one(query: str) -> object:
            results = search(session, query, k=5)
            session.rollback()
            return results

        return percentiles(timed(one, queries))


def bm25s_latency(posts: list[tuple[str, str]], queries: list[str]) -> dict[str, float]:
    """p50/p99 of bm25s (in memory, English stop words) over the same posts, k=5."""
    retriever = bm25s.BM25()
    corpus = [f"{title} {body}" for title, body in posts]
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
    )

    def one(query: str) -> object:
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        return retriever.retrieve(tokens, k=5, show_progress=False)

    return percentiles(timed(one, queries))


def sample_queries(texts: list[str], count: int, seed: int = 7) -> list[str]:
    """``count`` customer questions to search for."""
    return random.Random(seed).sample(texts, count)
