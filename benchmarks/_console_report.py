"""The figures of ``console.py``: percentiles, ratios, targets, and the text report."""

from __future__ import annotations

import statistics
from typing import Any

from _load import percentile
from _openloop import OpenLoopResult


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """The figures: percentiles, ratios and targets."""
    out: dict[str, Any] = {"setup": report["setup"], "load_before": report["load_before"]}
    out["cost"] = report.get("cost")
    if "show_n" in report:
        one, many = report["show_1"], report["show_n"]

        def pcts(values: list[float]) -> dict[str, float]:
            return {"p50": percentile(values, 50), "p95": percentile(values, 95)}

        out["show"] = {
            "callers": many["callers"],
            "webhook_ms": pcts(many["answered_ms"]),
            "baseline_1_console_ms": pcts(one["all_consoles_ms"]),
            "all_consoles_ms": pcts(many["all_consoles_ms"]),
            "each_console_ms": pcts(many["each_console_ms"]),
            "missing": one["missing"] + many["missing"],
            "failed": one["failed"] + many["failed"],
            "console_stats": many["stats"],
        }
        base = out["show"]["baseline_1_console_ms"]["p95"]
        out["show"]["ratio_p95"] = out["show"]["all_consoles_ms"]["p95"] / base if base else None
        out["show"]["target_met"] = out["show"]["all_consoles_ms"]["p95"] < 500
    load = report["load"]
    if load["without"]:

        def row(result: OpenLoopResult) -> dict[str, float]:
            return {
                "p50": result.latency(50),
                "p99": result.latency(99),
                "rate": result.rate,
                "errors": result.errors,
                "wrong": result.wrong,
                "fallback": result.fallback,
                "lag_p99": result.lag(99),
                "cpu": result.cpu_seconds / (result.seconds + result.warmup),
            }

        without = [row(r) for r in load["without"]]
        with_ = [row(r) for r in load["with"]]
        worst_without = statistics.median(r["p99"] for r in without)
        worst_with = statistics.median(r["p99"] for r in with_)
        out["load"] = {
            "without": without,
            "with": with_,
            "console_stats": load.get("stats"),
            "median_p99_without": worst_without,
            "median_p99_with": worst_with,
            "ratio": worst_with / worst_without if worst_without else None,
        }
        out["load"]["target_met"] = worst_with < 20 and (out["load"]["ratio"] or 9) <= 1.5
    return out


def print_report(out: dict[str, Any]) -> None:
    """The figures as text."""
    setup = out["setup"]
    print(
        f"setup: {setup['consoles']} consoles; gunicorn {setup['workers']} x gthread, "
        f"WEB_THREADS {setup['web_threads']}, LIVE_MAX_STREAMS {setup['live_max_streams']}; "
        f"{setup['cores']} cores, load average before {out['load_before']:.2f}"
    )
    if out.get("cost"):
        cost = ", ".join(f"{k} {v:.2f}" for k, v in out["cost"].items())
        print(f"one request at a time, idle server (median, ms): {cost}")
    if "show" in out:
        show = out["show"]
        print(f"(a) a caller showing on every console, {show['callers']} callers:")
        for name, key in (
            ("webhook answered", "webhook_ms"),
            ("1 console (baseline)", "baseline_1_console_ms"),
            (f"all {setup['consoles']} consoles", "all_consoles_ms"),
            ("each console", "each_console_ms"),
        ):
            print(f"    {name:22} p50 {show[key]['p50']:8.1f} ms   p95 {show[key]['p95']:8.1f} ms")
        ratio = show["ratio_p95"]
        met = "met" if show["target_met"] else "MISSED"
        print(f"    p95 all / baseline: {ratio:.2f}; target p95 < 500 ms: {met}")
        print(f"    not shown within 10 s: {show['missing']}; webhooks failed: {show['failed']}")
        print(f"    consoles' counts: {show['console_stats']}")
    if "load" in out:
        load = out["load"]
        print(f"(b) webhook latency at {setup['rate']:.0f}/s, open loop (ms):")
        for name in ("without", "with"):
            for n, r in enumerate(load[name], 1):
                print(
                    f"    {name:8} round {n}: p50 {r['p50']:6.2f}  p99 {r['p99']:7.2f}  "
                    f"{r['rate']:.0f}/s  errors {r['errors']}  wrong {r['wrong']} "
                    f"(fallback {r['fallback']})  "
                    f"lag p99 {r['lag_p99']:.2f}  cpu {r['cpu']:.0%}"
                )
        for n, stats in enumerate(load["console_stats"] or [], 1):
            print(f"    consoles' counts, round {n}: {stats}")
        met = "met" if load["target_met"] else "MISSED"
        print(
            f"    median p99 without {load['median_p99_without']:.2f} ms, with "
            f"{load['median_p99_with']:.2f} ms: ratio {load['ratio']:.2f}; "
            f"target < 20 ms and <= 1.5: {met}"
        )
