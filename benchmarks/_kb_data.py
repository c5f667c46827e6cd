"""Data for benchmarks/kb.py: BANKING77 (CC BY 4.0, Casanueva et al. 2020) and the Bitext
customer-support sample (CDLA-Sharing-1.0), both from ../shared/data."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def banking77(split: str) -> list[tuple[str, str]]:
    """(question, intent) rows of BANKING77's ``train`` or ``test`` split."""
    with open(DATA / "banking77" / f"{split}.csv", encoding="utf-8", newline="") as file:
        return [(row["text"], row["category"]) for row in csv.DictReader(file)]


def articles(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    """One article per intent: its training questions, in file order."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for question, intent in rows:
        by_intent[intent].append(question)
    return dict(by_intent)


def intent_title(intent: str) -> str:
    """An article's title from its intent name: ``card_arrival`` -> ``Card arrival``."""
    return intent.replace("_", " ").capitalize()


def dev_split(rows: list[tuple[str, str]], every: int = 10) -> tuple[list, list]:
    """Training rows split for calibration: every ``every``-th held out as a query."""
    kept = [row for i, row in enumerate(rows) if i % every]
    held = [row for i, row in enumerate(rows) if not i % every]
    return kept, held


def customer_texts() -> list[str]:
    """Every customer question of both data sets, for a large made-up community."""
    texts = [q for split in ("train", "test") for q, _ in banking77(split)]
    path = DATA / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    with open(path, encoding="utf-8", newline="") as file:
        texts += [row["instruction"] for row in csv.DictReader(file)]
    return texts


def posts(count: int, seed: int = 77) -> list[tuple[str, str]]:
    """``count`` (title, body) posts: a real customer question as the title, two others
    as the body, so that no two posts are alike and bodies are longer than titles."""
    texts = customer_texts()
    rng = random.Random(seed)
    return [
        (texts[i % len(texts)][:300], f"{rng.choice(texts)} {rng.choice(texts)}")
        for i in range(count)
    ]
