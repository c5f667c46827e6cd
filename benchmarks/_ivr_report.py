"""The report of ``ivr.py``: medians over rounds, targets, and the printed tables."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from importlib.metadata import version
from typing import Any

from _ivr_data import STEADY_MIX, THROUGHPUT_MIX, describe_mix

SERVERS = ("bare", "project")
THROUGHPUT_TARGET = 0.5  # project / bare requests per second, at least
LATENCY_TARGET_MS = 20.0  # the project's p99 at the steady load, under
THROUGHPUT_KEYS = ("rps", "calls_per_s", "p50_ms", "p99_ms", "wrk_cpu")
LATENCY_KEYS = ("offered_rps", "answered_rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")


def medians(rounds: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    """Per app, the median over rounds of each figure in ``keys``."""
    return {
        name: {key: statistics.median(row[name][key] for row in rounds) for key in keys}
        for name in SERVERS
    }


def environment(
    args: argparse.Namespace, db_note: str, menu: str, load_before: float
) -> dict[str, Any]:
    """What the figures were measured on, printed with them."""
    database = "PostgreSQL" if args.postgres or args.database_url else "SQLite"
    return {
        "customers": args.customers,
        "database": f"{database} ({db_note})",
        "menu": menu,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "throughput_callers": describe_mix(THROUGHPUT_MIX),
        "latency_callers": describe_mix(STEADY_MIX),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "connections": args.connections,
        "lag": args.lag,
        "latency_rounds": args.latency_rounds,
        "latency_seconds": args.latency_seconds,
        "latency_warmup": args.latency_warmup,
        "calls": args.calls,
        "rate": args.rate,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "python": sys.version.split()[0],
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
    }


def summarize(
    args: argparse.Namespace,
    db_note: str,
    menu: str,
    load_before: float,
    throughput: list[dict[str, Any]],
    latency: list[dict[str, Any]],
) -> dict[str, Any]:
    """The whole report, JSON-ready."""
    report: dict[str, Any] = {"environment": environment(args, db_note, menu, load_before)}
    if throughput:
        median = medians(throughput, THROUGHPUT_KEYS)
        ratio = statistics.median(row["ratio"] for row in throughput)
        report["throughput"] = {
            "rounds": throughput,
            "median": median,
            "baseline_rps": median["bare"]["rps"],
            "ratio": ratio,
            "target": THROUGHPUT_TARGET,
            "meets_target": ratio >= THROUGHPUT_TARGET,
        }
    if latency:
        median = medians(latency, LATENCY_KEYS)
        p99 = median["project"]["p99_ms"]
        report["latency"] = {
            "rounds": latency,
            "median": median,
            "baseline_p99_ms": median["bare"]["p99_ms"],
            "p99_ms": p99,
            "target_ms": LATENCY_TARGET_MS,
            "meets_target": p99 < LATENCY_TARGET_MS,
        }
    return report


def bad_answers(report: dict[str, Any]) -> int:
    """Wrong answers and error statuses under load: an app answering wrongly, not slowly."""
    count = 0
    for row in report.get("throughput", {}).get("rounds", []):
        count += sum(row[name]["wrong"] + row[name]["bad_status"] for name in SERVERS)
    for row in report.get("latency", {}).get("rounds", []):
        count += sum(row[name]["wrong"] for name in SERVERS)
    return count


def print_environment(env: dict[str, Any]) -> None:
    """The lines that say what was measured, and on what."""
    print("IVR: the project (signatures checked) against bare Flask serving the same TwiML")
    print(
        f"{env['customers']:,} customers in {env['database']}; menu measured: {env['menu']} "
        "(flows copied with the main line open around the clock)"
    )
    print(
        f"gunicorn {env['gunicorn']}, {env['workers']} {env['worker_class']} workers per app; "
        f"{env['cpus']} CPUs, load average {env['load_average_before']:.2f} before, "
        f"{env['load_average_after']:.2f} after; "
        f"Python {env['python']}, Flask {env['flask']}"
    )


def print_throughput(section: dict[str, Any], env: dict[str, Any]) -> None:
    """(a): the per-round table, the medians and the ratio against its target."""
    print()
    print(
        "(a) saturated: POST /voice/incoming, then POST /voice/step Digits=1 (pre-signed, wrk, "
        f"{env['connections']} connections, {env['rounds']} rounds x {env['seconds']:g} s)"
    )
    print(f"    callers: {env['throughput_callers']}")
    head = f"{'round':>6}  {'app':8} {'req/s':>8} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    print(f"{head} {'errors':>7} {'wrong':>6} {'wraps':>6} {'wrk cpu':>8}")
    for row in section["rounds"]:
        for name in SERVERS:
            f = row[name]
            print(
                f"{row['round']:>6}  {name:8} {f['rps']:8.0f} {f['calls_per_s']:8.0f} "
                f"{f['p50_ms']:7.2f} {f['p99_ms']:7.2f} {f['errors']:7d} {f['wrong']:6d} "
                f"{f['wraps']:6d} {f['wrk_cpu']:8.0%}"
            )
        print(f"{'':>6}  {'ratio':8} {row['ratio']:8.2f}")
    for name in SERVERS:
        f = section["median"][name]
        print(
            f"{'median':>6}  {name:8} {f['rps']:8.0f} {f['calls_per_s']:8.0f} "
            f"{f['p50_ms']:7.2f} {f['p99_ms']:7.2f} {'':7} {'':6} {'':6} {f['wrk_cpu']:8.0%}"
        )
    verdict = "met" if section["meets_target"] else "MISSED"
    print(
        f"(a) baseline (bare Flask): {section['baseline_rps']:.0f} req/s; project / bare "
        f"{section['ratio']:.2f} (target >= {section['target']:.2f}: {verdict})"
    )


def print_latency(section: dict[str, Any], env: dict[str, Any]) -> None:
    """(b): the per-round table, the medians and the p99 against its target."""
    print()
    period = env["calls"] / env["rate"]
    print(
        f"(b) steady open loop: {env['calls']:,} calls, a webhook each every {period:g} s = "
        f"{env['rate']:g} req/s, {env['latency_rounds']} rounds x {env['latency_seconds']:g} s "
        f"after {env['latency_warmup']:g} s; latency from the scheduled send"
    )
    print(f"    callers: {env['latency_callers']}; each call walks the menus to a queue")
    head = f"{'round':>6}  {'app':8} {'offered':>8} {'answered':>8} {'p50 ms':>7} {'p95 ms':>7}"
    head += f" {'p99 ms':>7} {'max ms':>7} {'errors':>6} {'wrong':>6}"
    print(f"{head} {'lag p99':>8} {'cpu':>5}")
    for row in section["rounds"]:
        for name in SERVERS:
            f = row[name]
            print(
                f"{row['round']:>6}  {name:8} {f['offered_rps']:8.1f} {f['answered_rps']:8.1f} "
                f"{f['p50_ms']:7.2f} {f['p95_ms']:7.2f} {f['p99_ms']:7.2f} {f['max_ms']:7.1f} "
                f"{f['errors']:6d} {f['wrong']:6d} {f['send_lag_p99_ms']:8.2f} "
                f"{f['generator_cpu']:5.0%}"
            )
    for name in SERVERS:
        f = section["median"][name]
        print(
            f"{'median':>6}  {name:8} {f['offered_rps']:8.1f} {f['answered_rps']:8.1f} "
            f"{f['p50_ms']:7.2f} {f['p95_ms']:7.2f} {f['p99_ms']:7.2f} {f['max_ms']:7.1f}"
        )
    verdict = "met" if section["meets_target"] else "MISSED"
    print(
        f"(b) baseline (bare Flask) p99 {section['baseline_p99_ms']:.2f} ms; project p99 "
        f"{section['p99_ms']:.2f} ms (target < {section['target_ms']:g} ms: {verdict})"
    )


def print_report(report: dict[str, Any]) -> None:
    """Everything, for people."""
    env = report["environment"]
    print_environment(env)
    if "throughput" in report:
        print_throughput(report["throughput"], env)
    if "latency" in report:
        print_latency(report["latency"], env)
