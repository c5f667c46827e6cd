"""BANKING77 accuracy for benchmarks/kb.py: our search against plain BM25 (bm25s)."""

from __future__ import annotations

import time
from typing import Any

import bm25s
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.services import schema
from app.services.community.kb_posts import add_phrasings, answer_question, ask_question
from app.services.community.kb_search import search
from benchmarks._kb_data import articles, intent_title


def load_articles(url: str, train: list[tuple[str, str]]) -> tuple[Any, dict[int, str]]:
    """A migrated database with one article per intent; the engine and question -> intent."""
    schema.upgrade(url)
    engine = create_engine(url)
    intents: dict[int, str] = {}
    with Session(engine) as session:
        for intent, questions in articles(train).items():
            question = ask_question(session, intent_title(intent), staff=True)
            answer_question(session, question.id, f"How to: {intent_title(intent)}.", official=True)
            add_phrasings(session, question.id, questions)
            intents[question.id] = intent
        session.commit()
    return engine, intents


def our_rankings(engine: Any, intents: dict[int, str], queries: list[str]) -> list[dict]:
    """For each query: the intents of our top 3 and the top result's confidence."""
    found = []
    with Session(engine) as session:
        for query in queries:
            results = search(session, query, k=3)
            found.append(
                {
                    "intents": [intents[r.question_id] for r in results],
                    "confidence": results[0].confidence if results else 0.0,
                }
            )
    return found


def bm25_rankings(train: list[tuple[str, str]], queries: list[str]) -> list[list[str]]:
    """Plain BM25 (bm25s, English stop words, no stemming): nearest training question's
    intent, then the next distinct intents, top 3."""
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([q for q, _ in train], stopwords="en", show_progress=False),
        show_progress=False,
    )
    tokens = bm25s.tokenize(queries, stopwords="en", show_progress=False)
    documents, _ = retriever.retrieve(tokens, k=30, show_progress=False)
    rankings = []
    for row in documents:
        intents = list(dict.fromkeys(train[int(i)][1] for i in row))
        rankings.append(intents[:3])
    return rankings


def accuracy(rankings: list[list[str]], truth: list[str]) -> tuple[float, float]:
    """Top-1 and top-3 accuracy."""
    top1 = sum(r[:1] == [t] for r, t in zip(rankings, truth, strict=True)) / len(truth)
    top3 = sum(t in r[:3] for r, t in zip(rankings, truth, strict=True)) / len(truth)
    return top1, top3


def deflection(found: list[dict], truth: list[str], threshold: float) -> dict[str, float]:
    """Precision (right when answering) and coverage (answered) at a threshold."""
    answered = [
        (f["intents"][:1] == [t])
        for f, t in zip(found, truth, strict=True)
        if f["intents"] and f["confidence"] >= threshold
    ]
    return {
        "threshold": threshold,
        "coverage": len(answered) / len(truth),
        "precision": sum(answered) / len(answered) if answered else 0.0,
    }


def calibrate(found: list[dict], truth: list[str], precision: float) -> float:
    """The lowest threshold (of 0.01 steps) whose precision reaches ``precision``."""
    for step in range(0, 101):
        threshold = step / 100
        if deflection(found, truth, threshold)["precision"] >= precision:
            return threshold
    return 1.0


def measure_accuracy(url: str, train: list, test: list, threshold: float) -> dict[str, Any]:
    """Our top-1/top-3 and deflection on ``test`` against bm25s, on one database."""
    engine, intents = load_articles(url, train)
    queries, truth = [q for q, _ in test], [i for _, i in test]
    started = time.perf_counter()
    found = our_rankings(engine, intents, queries)
    seconds = time.perf_counter() - started
    engine.dispose()
    ours = accuracy([f["intents"] for f in found], truth)
    baseline = accuracy(bm25_rankings(train, queries), truth)
    return {
        "queries": len(queries),
        "top1": ours[0],
        "top3": ours[1],
        "bm25_top1": baseline[0],
        "bm25_top3": baseline[1],
        "deflection": deflection(found, truth, threshold),
        "ms_per_query": 1000 * seconds / len(queries),
        "found": found,
    }
