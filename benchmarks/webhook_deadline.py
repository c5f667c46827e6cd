"""What the webhook deadline costs a call: the IVR's webhooks in-process, with and without it.

Two apps on one migrated SQLite file (in a temporary directory) and local Redis
(``BENCH_REDIS_URL``, default database 14), served through Flask's test client in this
process, so that the few microseconds measured are not lost in a server's and a load
generator's noise:

- ``plain`` (the baseline): the voice views wrapped as they were before the deadline (run
  the view; on an error roll back and answer the fallback), an engine without the
  per-context store waits, and Redis' own connections;
- ``deadline``: the project as it is (the deadline, the store waits, and the stores' circuit
  breaker: a test per webhook, and one per Redis command).

A call is ``POST /voice/incoming`` (an unknown caller: the language menu, an interaction
recorded) then the Gather's ``POST /voice/step`` with Digits=1.

Figure: the CPU time the deadline adds to a whole webhook. Batches of 8 calls run in pairs,
plain then deadline or the other way round in turn, 400 pairs; the figure is the median of
the pairs' differences (with its quartiles), and the ratio (baseline + added) / baseline,
the baseline being the plain app's median CPU time per webhook. CPU time, because other
work on a shared machine disturbs it least; pairs, because the database grows as calls are
recorded. Target: a ratio of at most 1.05 (tens of microseconds at most).

Also printed, to say where the time goes, each part alone (best of five runs): arming a
deadline on the main thread (a signal) and on another (the watchdog) against an empty
``with``; the views' wrapper with and without the deadline around a view that returns at
once; the breaker's test and its "answered" with nothing down; a pool checkout and checkin
with and without the per-context waits; a Redis PING on Redis' own connection and on the
breaker's.

    .venv/bin/python benchmarks/webhook_deadline.py            # 400 pairs, about 2 minutes
    .venv/bin/python benchmarks/webhook_deadline.py --smoke    # 20 pairs
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's packages before benchmarks/routing.py

import redis  # noqa: E402

from app import create_app  # noqa: E402
from app.deadline import within  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services import schema  # noqa: E402
from app.store_breaker import DATABASE  # noqa: E402
from app.twilio.twiml import twiml_response  # noqa: E402

TARGET_RATIO = 1.05
OPEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday morning in Chicago
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def plain_answer(
    view: Callable[[], Any], fallback: Callable[[], str], _outcome: str, _stores: bool = True
) -> Any:
    """The voice views' wrapper as it was before the deadline."""
    try:
        return view()
    except Exception:
        db.session.rollback()
        return twiml_response(fallback())


def make_apps(workdir: Path) -> dict[str, Any]:
    """Both apps on one database, the main line open."""
    url = f"sqlite:///{workdir / 'helpline.db'}"
    schema.upgrade(url)
    settings = {
        "HELPLINE_ENV": "testing",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "TWILIO_VALIDATE_SIGNATURES": False,
        "CLOCK": lambda: OPEN,
    }
    with (
        mock.patch("app.extensions.bound_waits", lambda *_: None),
        mock.patch("app.extensions.SkippingConnection", PlainConnection),
    ):
        plain = create_app(settings)
    return {"plain": plain, "deadline": create_app(settings)}


class PlainConnection(redis.connection.Connection):
    """Redis' own connection, taking (and ignoring) the breaker the app hands it."""

    def __init__(self, *args: Any, breaker: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


@contextlib.contextmanager
def wrapped_as(name: str) -> Iterator[None]:
    """The voice views' wrapper of app ``name``."""
    if name == "plain":
        with mock.patch("app.voice.faults._answer", plain_answer):
            yield
    else:
        yield


def run_calls(app: Any, calls: int) -> float:
    """Seconds per webhook over ``calls`` calls (two webhooks each)."""
    client = app.test_client()
    started = time.process_time()  # CPU time: what other work on the machine disturbs least
    for _ in range(calls):
        form = {"CallSid": "CA" + uuid.uuid4().hex, "From": "+13035550123", "To": "+15558675310"}
        greeting = client.post("/voice/incoming", data=form)
        action = greeting.data.split(b'action="', 1)[1].split(b'"', 1)[0].decode()
        client.post(action.replace("&amp;", "&"), data={**form, "Digits": "1"})
    return (time.process_time() - started) / (2 * calls)


def per_call(action: Callable[[], Any], repeats: int) -> float:
    """Microseconds per ``action``, the best of five runs (the least disturbed)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            action()
        best = min(best, time.perf_counter() - started)
    return best / repeats * 1e6


def parts_cost(apps: dict[str, Any], repeats: int) -> dict[str, float]:
    """What each part of the deadline costs a webhook, each against what it replaced."""
    from app.voice.faults import answers_or_dials_a_human

    def with_nothing() -> None:
        with contextlib.nullcontext():
            pass

    def with_deadline() -> None:
        with within(5):
            pass

    ready = answers_or_dials_a_human(lambda: ("<Response/>", 200, {}))
    costs = {"an empty with": per_call(with_nothing, repeats)}
    costs["deadline armed, main thread"] = per_call(with_deadline, repeats)
    other: list[float] = []
    worker = threading.Thread(target=lambda: other.append(per_call(with_deadline, repeats)))
    worker.start()
    worker.join()
    costs["deadline armed, other thread"] = other[0]
    app = apps["deadline"]
    with app.test_request_context("/voice/incoming", method="POST"):
        costs["view wrapper, as before"] = wrapped_cost(ready, "plain", repeats)
        costs["view wrapper, with deadline"] = wrapped_cost(ready, "deadline", repeats)
        breaker = app.extensions["stores.breaker"]
        costs["breaker test and answered"] = per_call(
            lambda: (breaker.skips(DATABASE), breaker.answered(DATABASE)), repeats
        )
        for name, each in apps.items():
            engine = each.extensions["db.engine"]
            costs[f"pool checkout+checkin, {name}"] = per_call(
                lambda engine=engine: engine.connect().close(), repeats
            )
        for name, each in apps.items():
            client = each.extensions["redis"]
            with within(5):  # as in a voice webhook, where the breaker is asked
                costs[f"redis PING, {name}"] = per_call(client.ping, repeats // 10)
    return costs


def wrapped_cost(view: Callable[[], Any], name: str, repeats: int) -> float:
    with wrapped_as(name):
        return per_call(view, repeats)


def measure(apps: dict[str, Any], pairs: int, calls: int) -> dict[str, Any]:
    """Paired batches of ``calls`` calls, plain then deadline or the other way round in turn;
    CPU microseconds per webhook of each, and their difference in each pair."""
    for name, app in apps.items():
        with wrapped_as(name):
            run_calls(app, 5)
    times: dict[str, list[float]] = {"plain": [], "deadline": []}
    for number in range(pairs):
        order = list(apps.items()) if number % 2 else list(reversed(apps.items()))
        for name, app in order:
            with wrapped_as(name):
                times[name].append(run_calls(app, calls) * 1e6)
    differences = sorted(d - p for d, p in zip(times["deadline"], times["plain"], strict=True))
    return {
        "plain_us": statistics.median(times["plain"]),
        "deadline_us": statistics.median(times["deadline"]),
        "added_us": statistics.median(differences),
        "added_quartiles_us": [
            differences[len(differences) // 4],
            differences[-len(differences) // 4],
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=400, help="pairs of batches (400)")
    parser.add_argument("--calls", type=int, default=8, help="calls per batch (8)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--smoke", action="store_true", help="20 pairs, parts 1,000 times")
    args = parser.parse_args(argv)
    if args.smoke:
        args.pairs = 20
    with tempfile.TemporaryDirectory(prefix="helpline-deadline-") as tmp:
        apps = make_apps(Path(tmp))
        parts = parts_cost(apps, 20_000 if not args.smoke else 1_000)
        whole = measure(apps, args.pairs, args.calls)
        for app in apps.values():
            app.extensions["db.engine"].dispose()
    alone = (
        parts["view wrapper, with deadline"]
        - parts["view wrapper, as before"]
        + parts["pool checkout+checkin, deadline"]
        - parts["pool checkout+checkin, plain"]
    )
    baseline = whole["plain_us"]
    report = {
        "parts_us": parts,
        "added_alone_us": alone,
        "whole": whole,
        "baseline_us": baseline,
        "added_us": whole["added_us"],
        "ratio": (baseline + whole["added_us"]) / baseline,
        "target": TARGET_RATIO,
    }
    print(json.dumps(report, indent=2) if args.json else text_report(report))
    return 0


def text_report(report: dict[str, Any]) -> str:
    lines = ["each part alone (best of 5 runs):"]
    lines += [f"  {name:36} {us:7.2f} us" for name, us in report["parts_us"].items()]
    lines.append(
        f"  {'added alone (wrapper + one checkout)':36} {report['added_alone_us']:7.2f} us"
    )
    whole = report["whole"]
    low, high = whole["added_quartiles_us"]
    lines.append("whole IVR webhooks in-process (test client, SQLite), CPU time, median of pairs:")
    lines.append(f"  plain {whole['plain_us']:.1f} us, deadline {whole['deadline_us']:.1f} us")
    lines.append(
        f"  added {whole['added_us']:.1f} us per webhook (quartiles {low:.1f} to {high:.1f})"
    )
    lines.append(f"baseline (plain app): {report['baseline_us']:.1f} us of CPU per webhook")
    lines.append(f"ratio {report['ratio']:.3f} (target <= {report['target']:.2f})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
