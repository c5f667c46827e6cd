"""Live consoles: from the webhook that puts a caller in line to every open console showing
them, and what 100 open consoles cost the webhooks.

The project runs as ``helpline serve`` runs it (gunicorn ``gthread`` workers, ``WEB_THREADS``
threads, ``LIVE_MAX_STREAMS`` streams per process), ``HELPLINE_ENV=production``, on a SQLite
file and local Redis database 14, the main line open around the clock. 100 agents are
logged in and at work but busy (a caller reaches a queue only while someone serving it is
at work; an available agent would be offered the caller at once, taking them off the other
consoles), so a new caller waits in ``general`` and every agent's console must show them.
Consoles (``_console_clients.py``) do what the page does: hold ``GET /api/live``, re-fetch
``GET /api/console/desk`` on events (at most once a second), heartbeat every 20 s.

(a) A caller presses 0 at the greeting (``POST`` to the Gather's action, signed): from
    sending that webhook until the caller is listed on the last of the open consoles. p50
    and p95 over the callers; target p95 < 500 ms. Baseline, in the same run: the same with
    1 console open; also printed, the webhook's own answer time.
(b) Open-loop load, 200 webhooks/s (calls greeting, pressing 0, then hanging up in line,
    each a new TCP connection): webhook p99 without consoles and with 100 open, rounds
    alternating. Target: p99 < 20 ms and with / without <= 1.5.

    .venv/bin/python benchmarks/console.py            # about 7 minutes
    .venv/bin/python benchmarks/console.py --quick    # 20 consoles, short rounds, ~1.5 min
    .venv/bin/python benchmarks/console.py --json

Exit status 1 only when the setup fails or the project answers wrongly, never for a target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
from _console_calls import HangUpCall, exit_of, walk_to_queue
from _console_clients import Consoles
from _console_cost import measure_cost
from _console_report import print_report, summarize
from _ivr_calls import raw_http
from _ivr_data import helpline, open_flows
from _ivr_staff import Staff
from _load import BenchmarkError, GunicornServer
from _openloop import OpenLoopResult, run_open_loop
from ivr import REDIS_URL, base_env, progress

PASSWORD = "bench-console-password-0123"
LOAD_CALLS = 10**7  # call sids per open-loop round: each round's are its own
HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``--quick`` shrinks everything to a check that it works."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--consoles", type=int, default=100, help="open consoles, one agent each (100)")
    add("--callers", type=int, default=30, help="(a) callers per measurement (30)")
    add("--gap", type=float, default=2.0, help="(a) seconds between callers (2, plus 0-0.5)")
    add("--workers", type=int, default=2, help="gunicorn workers (2)")
    add("--threads", type=int, default=160, help="WEB_THREADS, threads per worker (160)")
    add("--streams", type=int, default=110, help="LIVE_MAX_STREAMS per worker (110)")
    add("--rounds", type=int, default=2, help="(b) rounds of each, alternating (2)")
    add("--seconds", type=float, default=30, help="(b) measured seconds per round (30)")
    add("--warmup", type=float, default=5, help="(b) unmeasured seconds first (5)")
    add("--rate", type=float, default=200, help="(b) webhooks per second offered (200)")
    add("--calls", type=int, default=600, help="(b) concurrent calls (600)")
    add("--only", choices=("show", "load"), help="measure (a) or (b) only")
    add("--spread", type=float, default=0, help="(b) what if pages waited a random 0-S s")
    add("--json", action="store_true", help="print the report as JSON")
    add("--quick", action="store_true", help="20 consoles, 10 callers, one short round of (b)")
    args = parser.parse_args(argv)
    if args.quick:
        args.consoles, args.callers, args.rounds = 20, 10, 1
        args.seconds, args.warmup, args.calls = 5.0, 2.0, int(args.rate)
    return args


def project_env(workdir: Path, args: argparse.Namespace) -> dict[str, str]:
    """The project's settings: production, its own SQLite file, Redis database 14."""
    return {
        **base_env(),
        "DATABASE_URL": f"sqlite:///{workdir}/helpline.db",
        "FLOWS_DIR": str(open_flows(workdir)),
        "WEB_THREADS": str(args.threads),
        "LIVE_MAX_STREAMS": str(args.streams),
        "BENCH_AGENTS": str(args.consoles),
        "BENCH_PASSWORD": PASSWORD,
    }


def verify(server: GunicornServer, consoles: Consoles) -> None:
    """A caller pressing 0 is queued (``<Enqueue>``, not the fallback ``<Dial>``), shows on
    a console, and leaves every console's list once they hang up."""
    call = HangUpCall(f"CAfeed{random.getrandbits(64):026x}", "+14155550999")
    consoles.watch(call.sid)
    root, _, _ = walk_to_queue(server, call)
    deadline = time.monotonic() + 10
    while not consoles.seen(call.sid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not consoles.seen(call.sid):
        raise BenchmarkError("a queued caller never showed on a console")
    left = server.send(call.hang_up(exit_of(root) or ""))
    if left.status != 200:
        raise BenchmarkError(f"hanging up in line answered {left.status}")
    time.sleep(2)  # past the page's one-second coalescing: the first caller is not delayed


def measure_show(server: GunicornServer, consoles: Consoles, count: int, args: Any) -> dict:
    """(a): per caller, the webhook's answer time and when each console first listed them."""
    answered, last_console, every_console, missing = [], [], [], 0
    failed: list[str] = []
    time.sleep(args.gap)  # the pages' first fetches (on hello) are a second behind
    for n in range(args.callers):
        call = HangUpCall(f"CA{os.getpid():08x}{count:04x}{n:020x}", f"+1415556{n:04d}")
        consoles.watch(call.sid)
        try:
            root, took, sent = walk_to_queue(server, call)
        except (BenchmarkError, RuntimeError) as exc:  # counted and told, not hidden
            failed.append(f"caller {n}: {exc}")
            progress(f"  caller {n} failed: {str(exc).splitlines()[0]}")
            time.sleep(args.gap)
            continue
        action = exit_of(root) or ""
        answered.append(took * 1000)
        deadline = sent + 10
        while len(consoles.seen(call.sid)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = consoles.seen(call.sid)
        missing += count - len(seen)
        shown = [(at - sent) * 1000 for at in seen.values()]
        every_console += shown
        last_console.append(max(shown) if len(seen) == count else float("inf"))
        server.send(call.hang_up(action))
        time.sleep(args.gap + random.uniform(0, 0.5))  # past the page's one-second coalescing
    return {
        "consoles": count,
        "callers": args.callers,
        "missing": missing,
        "failed": failed,
        "answered_ms": sorted(answered),
        "all_consoles_ms": sorted(last_console),
        "each_console_ms": sorted(every_console),
        "stats": consoles.stats(),
    }


def measure_load(server: GunicornServer, args: Any, round_: int, label: str) -> OpenLoopResult:
    """(b): one open-loop round; then the callers it left in line hang up, so that the next
    round starts from an empty queue (and a caller of (a) is not behind them)."""
    calls: list[HangUpCall] = []

    def new_call() -> HangUpCall:
        n = len(calls) + LOAD_CALLS * round_
        calls.append(HangUpCall(f"CB{os.getpid():08x}{n:024x}", f"+1628555{n % 10_000:04d}"))
        return calls[-1]

    load = os.getloadavg()[0]
    result = run_open_loop(
        server.port, new_call, lambda request: raw_http(request, close=True),
        rate=args.rate, calls=args.calls, warmup=args.warmup, seconds=args.seconds,
    )  # fmt: skip
    for call in calls:
        if call.in_line and call.exit_path:
            server.send(call.hang_up(call.exit_path))
    # A wrong answer is almost always the fallback line: the webhook deadline gave up.
    result.fallback = sum(  # type: ignore[attr-defined]
        b"<Dial" in call.last_answer and b"<Enqueue" not in call.last_answer for call in calls
    )
    progress(
        f"  (b) {label}: p50 {result.latency(50):.2f} ms, p99 {result.latency(99):.2f} ms, "
        f"{result.rate:.0f}/s, errors {result.errors}, wrong {result.wrong} "
        f"(calls ended at the fallback <Dial>: {result.fallback}), "
        f"lag p99 {result.lag(99):.2f} ms, load {load:.2f}"
    )
    return result


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Set up, then measure; the figures."""
    env = project_env(workdir, args)
    redis.Redis.from_url(REDIS_URL).flushdb()
    helpline(env, "db", "upgrade")
    report: dict[str, Any] = {"setup": setup_of(args), "load_before": os.getloadavg()[0]}
    with Staff(env, script=str(HERE / "_console_staff.py")) as staff:
        logins = [agent["email"] for agent in staff.ids]
        progress(f"{len(logins)} agents busy on {staff.ids[0]['queues']}; starting the project")
        server = GunicornServer(
            "project", "app.wsgi:app", workers=args.workers, worker_class="gthread",
            threads=args.threads, env=env, log_dir=workdir,
        )  # fmt: skip
        with server:
            with Consoles(server.port, logins[:1], PASSWORD) as one:
                verify(server, one)
                report["cost"] = measure_cost(server, logins[0], PASSWORD)
                time.sleep(args.gap)  # the hang-ups' events are a second behind on the console
                if args.only != "load":
                    progress(f"(a) baseline: 1 console, {args.callers} callers ...")
                    report["show_1"] = measure_show(server, one, 1, args)
            if args.only != "load":
                with Consoles(server.port, logins, PASSWORD) as many:
                    progress(f"(a) {args.consoles} consoles, {args.callers} callers ...")
                    report["show_n"] = measure_show(server, many, args.consoles, args)
            report["load"] = {"without": [], "with": [], "stats": []}
            for round_ in range(args.rounds if args.only != "show" else 0):
                label = f"round {round_ + 1}"
                without = measure_load(server, args, 2 * round_, f"{label}, no consoles")
                report["load"]["without"].append(without)
                with Consoles(server.port, logins, PASSWORD, args.spread) as many:
                    label += f", {args.consoles} consoles"
                    report["load"]["with"].append(measure_load(server, args, 2 * round_ + 1, label))
                    report["load"]["stats"].append(many.stats())
        report["server_log_tail"] = server.log_tail(5)
    return report


def setup_of(args: argparse.Namespace) -> dict[str, Any]:
    """What the figures were measured with."""
    return {
        "consoles": args.consoles,
        "workers": args.workers,
        "worker_class": "gthread",
        "web_threads": args.threads,
        "live_max_streams": args.streams,
        "rate": args.rate,
        "calls": args.calls,
        "cores": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 if the setup failed or the project answered wrongly."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="helpline-bench-console-") as tmp:
        try:
            out = summarize(run(args, Path(tmp)))
        except (BenchmarkError, RuntimeError) as exc:
            progress(f"console: {exc}")
            return 1
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print_report(out)
    wrong = sum(
        r["wrong"] + r["errors"]
        for k in ("without", "with")
        for r in out.get("load", {}).get(k, [])
    )
    show = out.get("show", {})
    return 1 if wrong or show.get("missing") or show.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
