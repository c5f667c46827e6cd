"""The two measurements of ``ivr.py``: (a) saturated throughput, (b) latency at a steady load."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _ivr_calls import CallSids, IvrCall, Tokens, pregenerated_call, raw_http
from _ivr_data import STEADY_MIX, THROUGHPUT_MIX, CallerPicker
from _load import GunicornServer, HttpRequest
from _openloop import OpenLoopResult, run_open_loop
from _sequence import SequenceResult, run_sequence, write_sequence

SERVERS = ("bare", "project")
GUESSED_RPS = 6000  # more than either app serves here; only sizes the warm-up's list
GATHER = "<Gather"  # every answer in (a) listens for the next key
HEADROOM = 2.0  # a round's list holds this much more than the bare app's warm-up rate


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


# --- (a) throughput -----------------------------------------------------------------------


def first_steps(
    calls: int, picker: CallerPicker, tokens: Tokens, sids: CallSids
) -> Iterator[tuple[bytes, bytes]]:
    """``calls`` new calls' greeting and first step, as raw requests."""
    for _ in range(calls):
        yield pregenerated_call(picker.plan(THROUGHPUT_MIX, steady=False), sids.next(), tokens)


def sequence_file(
    path: Path, requests: float, lag: int, parts: tuple[CallerPicker, Tokens, CallSids]
) -> tuple[Path, float]:
    """A list of at least ``requests`` requests of new calls; the seconds it took to write."""
    began = time.monotonic()
    write_sequence(path, first_steps(math.ceil(requests / 2) + lag, *parts), lag)
    return path, time.monotonic() - began


def throughput_row(number: int, results: dict[str, SequenceResult]) -> dict[str, Any]:
    """One round's figures, JSON-ready."""
    row: dict[str, Any] = {"round": number}
    for name, result in results.items():
        load = result.load
        row[name] = {
            "requests": load.requests,
            "rps": load.rps,
            "calls_per_s": load.rps / 2,
            "p50_ms": load.p50_ms,
            "p99_ms": load.p99_ms,
            "errors": load.bad_status + load.socket_errors,
            "bad_status": load.bad_status,
            "wrong": result.wrong,
            "wraps": result.wraps,
            "wrk_cpu": load.cpu_seconds / load.seconds if load.seconds else 0.0,
        }
    bare = row["bare"]["rps"]
    row["ratio"] = row["project"]["rps"] / bare if bare else 0.0
    return row


def measure_throughput(
    servers: dict[str, GunicornServer],
    args: argparse.Namespace,
    tokens: Tokens,
    sids: CallSids,
    workdir: Path,
) -> list[dict[str, Any]]:
    """Warm up, then alternate rounds of wrk through lists of new calls; one dict per round."""
    if not args.throughput:
        return []
    parts = (CallerPicker(args.customers, seed=1), tokens, sids)
    cap = GUESSED_RPS
    if args.warmup > 0:
        path, _ = sequence_file(workdir / "warmup.bin", cap * args.warmup, args.lag, parts)
        for name in SERVERS:
            result = run_sequence(servers[name].port, path, args.warmup, args.connections, GATHER)
            progress(f"(a) warm-up {name:8} {result.load.rps:8.0f} req/s")
            cap = result.load.rps * HEADROOM if name == "bare" else cap
        path.unlink()
    rounds = []
    for number in range(1, args.rounds + 1):
        size = cap * args.seconds
        path, spent = sequence_file(workdir / f"round-{number}.bin", size, args.lag, parts)
        progress(f"(a) round {number}: {size:,.0f} requests signed in {spent:.1f} s")
        results = {}
        for name in SERVERS:
            port = servers[name].port
            results[name] = run_sequence(port, path, args.seconds, args.connections, GATHER)
            rps = results[name].load.rps
            progress(f"(a) round {number}/{args.rounds} {name:8} {rps:8.0f} req/s")
        path.unlink()
        rounds.append(throughput_row(number, results))
    return rounds


# --- (b) latency --------------------------------------------------------------------------


def latency_figures(result: OpenLoopResult) -> dict[str, Any]:
    """One app's open-loop figures, JSON-ready."""
    seconds = result.seconds
    return {
        "scheduled": result.scheduled,
        "offered_rps": result.rate,
        "answered_rps": len(result.latencies_ms) / seconds if seconds else 0.0,
        "p50_ms": result.latency(50),
        "p95_ms": result.latency(95),
        "p99_ms": result.latency(99),
        "max_ms": result.latencies_ms[-1] if result.latencies_ms else 0.0,
        "errors": result.errors,
        "wrong": result.wrong,
        "calls_done": result.calls_done,
        "send_lag_p99_ms": result.lag(99),
        "send_lag_max_ms": result.send_lag_ms[-1] if result.send_lag_ms else 0.0,
        "generator_cpu": result.cpu_seconds / (seconds + result.warmup) if seconds else 0.0,
    }


def wire(request: HttpRequest) -> bytes:
    """A request as sent by the open-loop generator: a connection of its own."""
    return raw_http(request, close=True)


def open_loop_round(
    server: GunicornServer, args: argparse.Namespace, sids: CallSids, seed: int
) -> OpenLoopResult:
    """One app under the steady load; both apps get the same callers (same ``seed``)."""
    picker = CallerPicker(args.customers, seed)
    ends_in_queue = server.name == "project"

    def new_call() -> IvrCall:
        return IvrCall(picker.plan(STEADY_MIX, steady=True), sids.next(), ends_in_queue)

    return run_open_loop(
        server.port,
        new_call,
        wire,
        rate=args.rate,
        calls=args.calls,
        warmup=args.latency_warmup,
        seconds=args.latency_seconds,
    )


def measure_latency(
    servers: dict[str, GunicornServer], args: argparse.Namespace, sids: CallSids
) -> list[dict[str, Any]]:
    """Alternate rounds of the steady open-loop load; one dict per round."""
    if not args.latency:
        return []
    rounds = []
    for number in range(1, args.latency_rounds + 1):
        row: dict[str, Any] = {"round": number}
        for name in SERVERS:
            result = open_loop_round(servers[name], args, sids, seed=100 + number)
            row[name] = latency_figures(result)
            progress(
                f"(b) round {number}/{args.latency_rounds} {name:8} "
                f"p99 {row[name]['p99_ms']:6.1f} ms at {row[name]['offered_rps']:.0f} req/s"
            )
        rounds.append(row)
    return rounds
