"""Texts coming in: the project's ``/sms/incoming`` against a bare Flask app's static TwiML.

The IVR benchmark's method (``ivr.py``): both apps under gunicorn with the same workers
and worker class, in the same run, rounds alternating; the project as in production
(signatures checked) with customers in SQLite and local Redis database 14, agents
available. Each text is new (its own MessageSid) from its own number: half ask a question
(searched in the community, empty in this database, so each goes to a person: a
conversation queued and offered to an agent), half are HELP (a keyword reply). The reply
rate limits are raised so that they do not decide the figure.

(a) Saturated throughput: wrk sends pre-signed texts in order. Figure: project / bare
    requests per second, median of the per-round ratios.
(b) Latency at 50 texts per second, open loop. Figure: the project's p99 from the
    scheduled send time.

    .venv/bin/python benchmarks/sms.py            # 10,000 customers, 3 rounds
    .venv/bin/python benchmarks/sms.py --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
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
    raw_http,
    signed,
)
from _ivr_data import sqlite_database
from _ivr_measure import latency_figures, wire
from _ivr_staff import Staff
from _load import BenchmarkError, GunicornServer, HttpRequest, have_wrk, send
from _openloop import run_open_loop
from _sequence import run_sequence, write_sequence

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SERVERS = ("bare", "project")
QUESTION = "My internet keeps dropping since this morning, can someone help?"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``--smoke`` shrinks everything to a quick check that it works."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--customers", type=int, default=10_000, help="customers in the database (10,000)")
    add("--workers", type=int, default=2, help="gunicorn workers per app (2)")
    add("--worker-class", default="sync", help="gunicorn worker class (sync)")
    add("--rounds", type=int, default=3, help="(a) rounds per app (3)")
    add("--seconds", type=float, default=10, help="(a) seconds per round (10)")
    add("--connections", type=int, default=8, help="(a) wrk connections (8)")
    add("--rate", type=float, default=50, help="(b) texts per second offered (50)")
    add("--latency-seconds", type=float, default=30, help="(b) measured seconds (30)")
    add("--latency-warmup", type=float, default=5, help="(b) unmeasured seconds first (5)")
    add("--json", action="store_true", help="print the report as JSON")
    add("--smoke", action="store_true", help="1,000 customers, one short round of each")
    args = parser.parse_args(argv)
    if args.smoke:
        args.customers, args.rounds, args.seconds = 1_000, 1, 2.0
        args.latency_seconds, args.latency_warmup = 3.0, 1.0
    return args


def project_env(url: str) -> dict[str, str]:
    """The project's settings, as production would set them (reply limits raised)."""
    return {
        "HELPLINE_ENV": "production",
        "TWILIO_NUMBER": "+14155550100",
        "SECRET_KEY": SECRET_KEY,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FALLBACK_NUMBER": FALLBACK_NUMBER,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": url,
        "SMS_REPLY_LIMIT_GLOBAL": "100000 per second",
    }


class Texts:
    """New texts, each from a number of its own: a question, then HELP, in turn."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.count = 0

    def next(self) -> HttpRequest:
        self.count += 1
        sid = f"SM{self.random.getrandbits(128):032x}"
        phone = f"+1{self.random.randrange(2_000_000_000, 9_999_999_999):010d}"
        form = {
            "ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
            "SmsStatus": "received", "Body": QUESTION if self.count % 2 else "HELP",
            "To": "+15558675310", "NumSegments": "1", "MessageSid": sid,
            "AccountSid": ACCOUNT_SID, "From": phone, "ApiVersion": "2010-04-01",
        }  # fmt: skip
        return signed("/sms/incoming", form)

    def pairs(self, count: int) -> Iterator[tuple[bytes, bytes]]:
        for _ in range(count):
            yield raw_http(self.next()), raw_http(self.next())


class OneText:
    """A "call" of the open-loop generator: one text, one answer."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def first(self) -> HttpRequest:
        return self.request

    def follow(self, status: int, body: bytes) -> tuple[HttpRequest | None, bool]:
        return None, status == 200 and b"<Response" in body


def verify(server: GunicornServer, texts: Texts) -> bytes:
    """A question's answer from ``server``: 200 and TwiML, or the figures mean nothing."""
    answer = send(server.port, texts.next())
    if answer.status != 200 or b"<Response" not in answer.body:
        raise BenchmarkError(f"{server.name} answered {answer.status}: {answer.body[:200]!r}")
    return answer.body


def throughput(servers: dict[str, GunicornServer], args: argparse.Namespace, workdir: Path):  # type: ignore[no-untyped-def]
    """(a) alternating saturated rounds; one row per round."""
    rows = []
    for number in range(1, args.rounds + 1):
        row: dict[str, Any] = {"round": number}
        for name in SERVERS:
            path = workdir / f"texts-{name}-{number}.bin"
            write_sequence(path, Texts(1000 * number).pairs(int(args.seconds * 1500)), 0)
            result = run_sequence(
                servers[name].port, path, args.seconds, args.connections, "<Response"
            )
            row[name] = {
                "rps": result.load.rps,
                "p99_ms": result.load.p99_ms,
                "wrong": result.wrong,
                "wraps": result.wraps,
                "bad_status": result.load.bad_status,
            }
            print(f"(a) round {number} {name:8} {result.load.rps:8.0f} req/s", file=sys.stderr)
        row["ratio"] = row["project"]["rps"] / row["bare"]["rps"]
        rows.append(row)
    return rows


def latency(servers: dict[str, GunicornServer], args: argparse.Namespace) -> dict[str, Any]:
    """(b) the steady open-loop load on each app."""
    figures = {}
    for name in SERVERS:
        texts = Texts(7)
        result = run_open_loop(
            servers[name].port,
            lambda texts=texts: OneText(texts.next()),
            wire,
            rate=args.rate,
            calls=int(args.rate * 2),
            warmup=args.latency_warmup,
            seconds=args.latency_seconds,
        )
        figures[name] = latency_figures(result)
        print(f"(b) {name:8} p99 {figures[name]['p99_ms']:.1f} ms", file=sys.stderr)
    return figures


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Load, start and check both apps, measure; the report."""
    env = project_env("")
    url, note = sqlite_database(env, args.customers, workdir, None)
    env = project_env(url)
    redis.Redis.from_url(REDIS_URL).flushdb()
    common: dict[str, Any] = {"workers": args.workers, "worker_class": args.worker_class}
    with Staff(env) as staff:
        print(f"{len(staff.ids)} agents available", file=sys.stderr)
        servers = {"project": GunicornServer("project", "app.wsgi:app", env=env, **common)}
        try:
            servers["project"].start()
            answer = verify(servers["project"], Texts(1))
            here = Path(__file__).resolve().parent
            bare_env = {"BENCH_SMS_TWIML": answer.decode("utf-8")}
            servers["bare"] = GunicornServer(
                "bare", "bare_app:app", env=bare_env, pythonpath=here, **common
            )
            servers["bare"].start()
            verify(servers["bare"], Texts(2))
            steady = latency(servers, args)
            saturated = throughput(servers, args, workdir) if have_wrk() else []
        finally:
            for server in servers.values():
                server.stop()
    ratios = [row["ratio"] for row in saturated]
    return {
        "database": note,
        "customers": args.customers,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "throughput_rounds": saturated,
        "throughput_ratio_median": statistics.median(ratios) if ratios else None,
        "latency": steady,
        "project_p99_ms_at_rate": steady["project"]["p99_ms"],
        "rate": args.rate,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 if a server failed to start or answered wrongly."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="helpline-bench-sms-") as tmp:
        try:
            report = run(args, Path(tmp))
        except BenchmarkError as exc:
            print(f"sms: {exc}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        ratio = report["throughput_ratio_median"]
        bare = report["latency"]["bare"]["p99_ms"]
        print(f"(a) /sms/incoming saturated: project/bare = {ratio:.2f}" if ratio else "(a) no wrk")
        p99 = report["project_p99_ms_at_rate"]
        print(f"(b) p99 at {report['rate']:g} texts/s: project {p99:.1f} ms (bare {bare:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
