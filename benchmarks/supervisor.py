"""The supervisor dashboard's "today" queries with 100,000 interactions today.

Figures: the p95 time of the per-interval query (offered, answered, abandoned and answered
within 20 s per 15-minute interval, ``app.services.supervision.today.intervals``) and of the
per-agent query (contacts each agent took today, ``handled_by_agent``), each against the
baseline measured in the same run: a plain ``SELECT COUNT(*)`` of today's rows. Target:
p95 under 50 ms and within 3x the COUNT's p95.

Setup, in a temporary directory (or a fresh PostgreSQL database, dropped afterwards): the
migrated schema, 7 queues, 50 agents, then 100,000 interactions spread over today (UTC) and
as many yesterday (so the queries must pick today's out), bulk-inserted in batches, then
ANALYZE. Each query runs 5 times to warm up, then ``--runs`` times timed.

    .venv/bin/python benchmarks/supervisor.py                      # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/supervisor.py --smoke              # 10,000 rows, 20 runs
    .venv/bin/python benchmarks/supervisor.py --no-postgres --json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's packages before benchmarks/routing.py

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import Agent, Interaction, Queue, User  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.supervision.today import (  # noqa: E402
    count_today,
    day_start,
    handled_by_agent,
    intervals,
)

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
OUTCOMES = [("answered", 0.7), ("handled", 0.1), ("abandoned", 0.12), ("voicemail", 0.08)]
TARGET_MS = 50.0
TARGET_RATIO = 3.0


def main() -> int:
    """Load, measure and report on each database."""
    args = _arguments()
    rows = 10_000 if args.smoke else args.rows
    runs = 20 if args.smoke else args.runs
    reports = []
    with _sqlite() as url:
        reports.append(measure("sqlite", url, rows, runs))
    if not args.no_postgres:
        with _postgres(args.postgres_server) as url:
            reports.append(measure("postgresql", url, rows, runs))
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        for report in reports:
            _print(report)
    return 0


def measure(name: str, url: str, rows: int, runs: int) -> dict[str, Any]:
    """Load ``rows`` interactions today and as many yesterday, then time the queries."""
    schema.upgrade(url)
    engine = create_engine(url)
    # A fixed hour of today, so every run measures the same day: 18 h of calls, 6 to come.
    now = day_start(datetime.now(UTC)) + timedelta(hours=18)
    started = time.perf_counter()
    with Session(engine) as session:
        _load(session, now, rows)
    loaded = time.perf_counter() - started
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    with Session(engine) as session:
        assert count_today(session, now) == rows
        cold = time.perf_counter()
        assert sum(r.offered for r in intervals(session, now, 20)) > 0
        first_read = (time.perf_counter() - cold) * 1000
        figures = {
            "count": _p95(runs, lambda: count_today(session, now)),
            "intervals": _p95(runs, lambda: intervals(session, now, 20)),
            "per_agent": _p95(runs, lambda: handled_by_agent(session, now)),
        }
    engine.dispose()
    base = figures["count"]
    return {
        "database": name,
        "rows_today": rows,
        "load_seconds": round(loaded, 1),
        # The day's first read counts and keeps the settled intervals; the rest read them.
        "first_intervals_read_ms": round(first_read, 1),
        "p95_ms": {key: round(value, 2) for key, value in figures.items()},
        "ratio": {key: round(figures[key] / base, 2) for key in ("intervals", "per_agent")},
        "meets_target": all(
            figures[key] < TARGET_MS and figures[key] / base <= TARGET_RATIO
            for key in ("intervals", "per_agent")
        ),
    }


def _load(session: Session, now: datetime, rows: int) -> None:
    """Queues, agents, and the day's calls so far and the day before's, in batches of 5,000."""
    queues = [Queue(name=f"q{n}") for n in range(7)]
    users = [
        User(name=f"Agent {n}", email=f"a{n}@example.com", password_hash="x") for n in range(50)
    ]
    session.add_all(queues + users)
    session.flush()
    agents = [Agent(user_id=user.id) for user in users]
    session.add_all(agents)
    session.commit()
    rng = random.Random(1)
    start = day_start(now)
    so_far = (now - start).total_seconds()
    for day in (start, start - timedelta(days=1)):
        for first in range(0, rows, 5000):
            count = min(5000, rows - first)
            batch = [_row(rng, day, so_far, queues, agents) for _ in range(count)]
            session.execute(insert(Interaction), batch)
        session.commit()


def _row(
    rng: random.Random, day: datetime, so_far: float, queues: list[Any], agents: list[Any]
) -> dict[str, Any]:
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    answered = outcome in ("answered", "handled")
    return {
        "channel": "voice",
        "direction": "inbound",
        "started_at": day + timedelta(seconds=rng.uniform(0, so_far)),
        "queue_id": rng.choice(queues).id if rng.random() < 0.9 else None,
        "agent_id": rng.choice(agents).id if answered else None,
        "outcome": outcome,
        "from_number": f"+1415555{rng.randrange(10_000):04d}",
        "details": {"speed_of_answer": round(rng.expovariate(1 / 15), 1)} if answered else {},
    }


def _p95(runs: int, query: Callable[[], Any]) -> float:
    for _ in range(5):
        query()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        query()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1]


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{directory}/bench.sqlite"


@contextmanager
def _postgres(server: str) -> Iterator[str]:
    name = f"helpline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _print(report: dict[str, Any]) -> None:
    p95, ratio = report["p95_ms"], report["ratio"]
    rows, load = report["rows_today"], report["load_seconds"]
    print(f"{report['database']}: {rows:,} interactions today (loaded in {load} s)")
    first = report["first_intervals_read_ms"]
    print(f"  the day's first intervals read (counts and keeps)  {first} ms")
    print(f"  baseline  SELECT COUNT(*) today   p95 {p95['count']:7.2f} ms")
    for key, label in (("intervals", "intervals (15 min)"), ("per_agent", "per agent today")):
        print(f"  {label:32}p95 {p95[key]:7.2f} ms  {ratio[key]:.2f}x")
    verdict = "meets" if report["meets_target"] else "misses"
    print(f"  target: < {TARGET_MS:g} ms and <= {TARGET_RATIO:g}x the COUNT: {verdict}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="interactions today")
    parser.add_argument("--runs", type=int, default=100, help="timed runs per query")
    parser.add_argument(
        "--postgres-server", default=PG_SERVER, help="a server to make a database on"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--smoke", action="store_true", help="10,000 rows, 20 runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
