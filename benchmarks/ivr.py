"""Callers walking the IVR: the project against a bare Flask app serving static TwiML.

Both apps run under gunicorn with the same workers and worker class, in the same run. The
project runs as in production (``HELPLINE_ENV=production``, Twilio signatures checked) with
100,000 customers in its database (SQLite by default) and local Redis database 14, and
serves the shipped flows with the main line open around the clock, so the main menu is
measured whenever the benchmark runs. Rounds alternate (bare, project, ...).

(a) Saturated throughput of a call's first two webhooks: ``POST /voice/incoming`` then the
    Gather's ``POST /voice/step`` with Digits=1. wrk sends pre-signed requests in order.
    Figure: project / bare requests per second, median of the per-round ratios; target 0.5.
(b) Latency at a steady load: 1,000 calls each sending a webhook every 5 s (200 requests
    per second), open loop, each call walking the menus to a queue, then starting over.
    Figure: the project's p99 from the scheduled send time; target under 20 ms.
    (b) runs first, so saturating the project in (a) does not grow its database before.

    .venv/bin/python benchmarks/ivr.py            # about 6 minutes, 100,000 customers
    .venv/bin/python benchmarks/ivr.py --smoke    # 10,000 customers, short rounds
    .venv/bin/python benchmarks/ivr.py --json

Exit status 1 only when a server does not start or answers wrongly, never for a missed target.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
from _ivr_calls import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FALLBACK_NUMBER,
    PUBLIC_BASE_URL,
    SECRET_KEY,
    CallSids,
    Tokens,
)
from _ivr_data import (
    fresh_postgres,
    load_customers,
    open_flows,
    sqlite_database,
)
from _ivr_measure import measure_latency, measure_throughput
from _ivr_report import bad_answers, print_report, summarize
from _ivr_staff import Staff
from _ivr_verify import verify_bare, verify_project
from _load import BenchmarkError, GunicornServer, have_wrk

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``--smoke`` shrinks everything to a quick check that it works."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--customers", type=int, default=100_000, help="customers in the database (100,000)")
    add("--database-url", help="a disposable database to load and use instead of SQLite")
    add("--postgres", action="store_true", help="a fresh database on local PostgreSQL")
    add("--db-cache", type=Path, help="keep the loaded SQLite file in DIR, reuse it next time")
    add("--workers", type=int, default=2, help="gunicorn workers per app (2)")
    add("--worker-class", default="sync", help="gunicorn worker class (sync)")
    add("--only", choices=("throughput", "latency"), help="measure one figure only")
    add("--rounds", type=int, default=5, help="(a) rounds per app (5)")
    add("--seconds", type=float, default=10, help="(a) seconds per round (10)")
    add("--warmup", type=float, default=3, help="(a) warm-up seconds per app (3)")
    add("--connections", type=int, default=8, help="(a) wrk connections (8)")
    add("--lag", type=int, default=50, help="(a) calls between a greeting and its step (50)")
    add("--latency-rounds", type=int, default=3, help="(b) rounds per app (3)")
    add("--latency-seconds", type=float, default=30, help="(b) measured seconds per round (30)")
    add("--latency-warmup", type=float, default=5, help="(b) unmeasured seconds first (5)")
    add("--calls", type=int, default=1000, help="(b) concurrent calls (1,000)")
    add("--rate", type=float, default=200, help="(b) requests per second offered (200)")
    add("--json", action="store_true", help="print the report as JSON")
    add("--smoke", action="store_true", help="10,000 customers, one short round of each")
    args = parser.parse_args(argv)
    if args.smoke:
        args.customers, args.rounds, args.seconds, args.warmup = 10_000, 1, 2.0, 1.0
        args.latency_rounds, args.latency_seconds, args.latency_warmup = 1, 3.0, 1.0
        args.calls = int(args.rate)  # a request per call per second: the same rate, sooner
    if args.postgres and args.database_url:
        parser.error("--postgres and --database-url exclude each other")
    if args.db_cache and (args.postgres or args.database_url):
        parser.error("--db-cache keeps SQLite files only")
    args.throughput = args.only != "latency" and have_wrk()
    args.latency = args.only != "throughput"
    return args


def base_env() -> dict[str, str]:
    """The project's settings, as production would set them."""
    return {
        "HELPLINE_ENV": "production",
        "TWILIO_NUMBER": "+14155550100",
        "SECRET_KEY": SECRET_KEY,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FALLBACK_NUMBER": FALLBACK_NUMBER,
        "REDIS_URL": REDIS_URL,
    }


@contextlib.contextmanager
def database(args: argparse.Namespace, workdir: Path) -> Iterator[tuple[str, str]]:
    """The loaded database's URL and how it came to be; a fresh PostgreSQL one is dropped."""
    env = base_env()
    if args.postgres:
        with fresh_postgres(f"helpline_bench_{os.getpid()}") as url:
            progress(f"loading {args.customers:,} customers into PostgreSQL ...")
            load_customers({**env, "DATABASE_URL": url}, args.customers, workdir)
            yield url, "a fresh PostgreSQL database, dropped afterwards"
        return
    if args.database_url:
        progress(f"loading {args.customers:,} customers into {args.database_url} ...")
        load_customers({**env, "DATABASE_URL": args.database_url}, args.customers, workdir)
        yield args.database_url, "given with --database-url"
        return
    progress(f"loading {args.customers:,} customers into SQLite ...")
    yield sqlite_database(env, args.customers, workdir, args.db_cache)


def start_servers(
    args: argparse.Namespace, env: dict[str, str], tokens: Tokens, sids: CallSids, workdir: Path
) -> tuple[dict[str, GunicornServer], dict[str, Any]]:
    """Both apps under the same gunicorn settings, checked before any load."""
    common: dict[str, Any] = {
        "workers": args.workers,
        "worker_class": args.worker_class,
        "log_dir": workdir,
    }
    servers = {"project": GunicornServer("project", "app.wsgi:app", env=env, **common)}
    try:
        servers["project"].start()
        answers = verify_project(servers["project"], tokens, sids)
        bare_env = {
            "BENCH_INCOMING_TWIML": answers["incoming"].decode("utf-8"),
            "BENCH_STEP_TWIML": answers["step"].decode("utf-8"),
        }
        here = Path(__file__).resolve().parent
        servers["bare"] = GunicornServer(
            "bare", "bare_app:app", env=bare_env, pythonpath=here, **common
        )
        servers["bare"].start()
        verify_bare(servers["bare"], answers, sids)
    except BaseException:
        stop_servers(servers)
        raise
    return servers, answers


def stop_servers(servers: dict[str, GunicornServer]) -> None:
    """Stop every server that was started."""
    for server in servers.values():
        server.stop()


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Load the data, start and check both apps, measure; the report."""
    load_before = os.getloadavg()[0]
    flows = open_flows(workdir)
    tokens = Tokens(flows)
    sids = CallSids(random.getrandbits(32))
    with database(args, workdir) as (url, db_note):
        redis.Redis.from_url(REDIS_URL).flushdb()
        env = {**base_env(), "DATABASE_URL": url, "FLOWS_DIR": str(flows)}
        with Staff(env) as staff:
            progress(f"{len(staff.ids)} agents available; starting and checking both apps ...")
            servers, answers = start_servers(args, env, tokens, sids, workdir)
            try:
                # (b) first: its figure should not depend on the tens of thousands of calls
                # that saturating the project in (a) adds to the database in a minute.
                latency = measure_latency(servers, args, sids)
                throughput = measure_throughput(servers, args, tokens, sids, workdir)
            finally:
                stop_servers(servers)
    return summarize(args, db_note, answers["menu"], load_before, throughput, latency)


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 if a server failed to start or answered wrongly."""
    args = parse_args(argv)
    if not have_wrk() and args.only != "latency":
        progress("wrk is not installed (apt-get install wrk): skipping (a), the throughput")
    with tempfile.TemporaryDirectory(prefix="helpline-bench-ivr-") as tmp:
        try:
            report = run(args, Path(tmp))
        except BenchmarkError as exc:
            progress(f"ivr: {exc}")
            return 1
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    if bad_answers(report):
        progress("ivr: wrong answers or error statuses under load; see the wrong column")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
