"""The knowledge base's search: BANKING77 accuracy and latency at 100,000 posts.

(a) Accuracy: one article per BANKING77 intent (the intent's name as its title, its
training questions as phrasings), the 3,080 test questions searched; top-1 and top-3
against plain BM25 (``bm25s``, nearest training question) computed in the same run, and
deflection's precision and coverage at ``KB_DEFLECT_THRESHOLD``'s default. Target: top-1
at least 0.85. ``--calibrate`` picks that threshold on held-out training questions
(every 10th), never the test set: the lowest confidence whose precision reaches 0.95.
(b) Latency: 100,000 posts (a real customer question as title, two more as body, each with
an answer), p50/p99 of ``search`` (k=5) on SQLite and PostgreSQL against ``bm25s`` in
memory on the same posts. Target: p99 under 20 ms.

    .venv/bin/python benchmarks/kb.py                  # both, SQLite and PostgreSQL
    .venv/bin/python benchmarks/kb.py --smoke          # 500 test questions, 10,000 posts
    .venv/bin/python benchmarks/kb.py --calibrate      # the threshold, from training data
    .venv/bin/python benchmarks/kb.py --no-postgres --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's packages before benchmarks/routing.py

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks._kb_accuracy import calibrate, measure_accuracy  # noqa: E402
from benchmarks._kb_data import banking77, dev_split, posts  # noqa: E402
from benchmarks._kb_latency import (  # noqa: E402
    bm25s_latency,
    load_posts,
    our_latency,
    sample_queries,
)
from knowledge_base import DEFAULT_DEFLECT_THRESHOLD  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_TOP1 = 0.85
TARGET_P99_MS = 20.0
CALIBRATION_PRECISION = 0.95


def main() -> int:
    """Measure, then print the figures (or JSON)."""
    args = _arguments()
    report: dict[str, Any] = {}
    databases = [("sqlite", _sqlite)] + ([] if args.no_postgres else [("postgresql", _pg)])
    if args.calibrate:
        report["calibration"] = _calibrate()
    if not args.latency_only:
        report["accuracy"] = _accuracy(databases, args)
    if not args.accuracy_only:
        report["latency"] = _latency(databases, args)
    print(json.dumps(report, indent=2) if args.json else _text(report))
    return 0


def _calibrate() -> dict[str, Any]:
    kept, held = dev_split(banking77("train"))
    with _sqlite() as url:
        measured = measure_accuracy(url, kept, held, DEFAULT_DEFLECT_THRESHOLD)
    truth = [intent for _, intent in held]
    threshold = calibrate(measured.pop("found"), truth, CALIBRATION_PRECISION)
    return {"held_out": len(held), "precision": CALIBRATION_PRECISION, "threshold": threshold}


def _accuracy(databases: list, args: argparse.Namespace) -> dict[str, Any]:
    train, test = banking77("train"), banking77("test")
    if args.smoke:
        test = test[::6]
    results = {}
    for name, place in databases:
        with place() as url:
            measured = measure_accuracy(url, train, test, DEFAULT_DEFLECT_THRESHOLD)
            measured.pop("found")
            results[name] = measured
    return results


def _latency(databases: list, args: argparse.Namespace) -> dict[str, Any]:
    corpus = posts(10_000 if args.smoke else args.posts)
    queries = sample_queries([q for q, _ in banking77("test")], args.queries)
    results: dict[str, Any] = {"posts": len(corpus), "queries": len(queries)}
    results["bm25s"] = bm25s_latency(corpus, queries)
    for name, place in databases:
        with place() as url:
            engine = load_posts(url, corpus)
            results[name] = our_latency(engine, queries)
            engine.dispose()
    return results


def _text(report: dict[str, Any]) -> str:
    lines = []
    if "calibration" in report:
        c = report["calibration"]
        lines.append(
            f"calibration: {c['held_out']} held-out training questions, lowest "
            f"threshold with precision >= {c['precision']}: {c['threshold']:.2f}"
        )
    for name, a in report.get("accuracy", {}).items():
        d = a["deflection"]
        lines += [
            f"accuracy ({name}, {a['queries']} BANKING77 test questions):",
            f"  ours   top-1 {a['top1']:.4f}  top-3 {a['top3']:.4f}  "
            f"({a['ms_per_query']:.1f} ms/query)",
            f"  bm25s  top-1 {a['bm25_top1']:.4f}  top-3 {a['bm25_top3']:.4f}",
            f"  ratio  top-1 {a['top1'] / a['bm25_top1']:.3f}  target top-1 >= {TARGET_TOP1}: "
            f"{'met' if a['top1'] >= TARGET_TOP1 else 'MISSED'}",
            f"  deflection at {d['threshold']:.2f}: precision {d['precision']:.4f}, "
            f"coverage {d['coverage']:.4f}",
        ]
    if "latency" in report:
        lat = report["latency"]
        base = lat["bm25s"]
        lines.append(f"latency ({lat['posts']:,} posts, {lat['queries']} queries, k=5):")
        lines.append(f"  bm25s (memory)  p50 {base['p50_ms']:.2f} ms  p99 {base['p99_ms']:.2f} ms")
        for name in ("sqlite", "postgresql"):
            if name in lat:
                m = lat[name]
                lines.append(
                    f"  {name:<15} p50 {m['p50_ms']:.2f} ms  p99 {m['p99_ms']:.2f} ms  "
                    f"p99 ratio {m['p99_ms'] / base['p99_ms']:.2f}  target p99 < "
                    f"{TARGET_P99_MS:g} ms: {'met' if m['p99_ms'] < TARGET_P99_MS else 'MISSED'}"
                )
    return "\n".join(lines)


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{directory}/kb.sqlite"


@contextmanager
def _pg() -> Iterator[str]:
    name = f"helpline_kb_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--smoke", action="store_true", help="a quick check that it works")
    parser.add_argument("--calibrate", action="store_true", help="choose the threshold")
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
