"""What checking Twilio's signature costs: ``/voice/fallback`` against a bare Flask app.

Both apps run under gunicorn with the same workers and worker class, on free ports, in
the same run. Rounds alternate (bare, project, bare, project, ...) so drift in the machine
hits both alike. The project runs as in production (``HELPLINE_ENV=production``) and must
answer a signed Twilio voice webhook with a ``<Dial>`` and refuse an unsigned one with 403
before anything is measured.

    .venv/bin/python benchmarks/webhook_overhead.py            # 5 rounds of 10 s
    .venv/bin/python benchmarks/webhook_overhead.py --smoke    # 1 round of 1 s
    .venv/bin/python benchmarks/webhook_overhead.py --json

Baseline: the bare app's requests per second. Figure: project / bare throughput, the
median of the per-round ratios. Target: at least 0.70. Exit status 1 only when a server
does not start or answers wrongly, never for missing the target.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _load import (
    BenchmarkError,
    GunicornServer,
    HttpRequest,
    HttpResponse,
    LoadResult,
    have_wrk,
    run_load,
)
from twilio.request_validator import RequestValidator

TARGET = 0.70
PATH = "/voice/fallback"
PUBLIC_BASE_URL = "https://helpline.example.com"
ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
FALLBACK_NUMBER = "+15005550006"
SERVERS = ("bare", "project")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; ``--smoke`` shrinks the run to one round of one second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per app (default 5)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per round (10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per app (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--smoke", action="store_true", help="1 round of 1 s, no warm-up")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.seconds, args.warmup = 1, 1.0, 0.0
    if args.load == "auto":
        args.load = "wrk" if have_wrk() else "python"
    elif args.load == "wrk" and not have_wrk():
        parser.error("wrk is not installed (apt-get install wrk), use --load python")
    return args


def call_form() -> dict[str, str]:
    """The form Twilio posts to a voice fallback URL when the primary handler failed."""
    place = {"City": "SAN FRANCISCO", "Country": "US", "State": "CA", "Zip": "94105"}
    ours = {"City": "", "Country": "US", "State": "NY", "Zip": ""}
    form = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA" + "0f" * 16,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ErrorCode": "11200",
        "ErrorUrl": PUBLIC_BASE_URL + "/voice/incoming",
        "Called": "+15558675310",
        "Caller": "+14155550123",
        "From": "+14155550123",
        "To": "+15558675310",
        "StirVerstat": "TN-Validation-Passed-A",
    }
    for prefix in ("Caller", "From"):
        form.update({prefix + key: value for key, value in place.items()})
    for prefix in ("Called", "To"):
        form.update({prefix + key: value for key, value in ours.items()})
    return form


def webhook_request(signature: str | None) -> HttpRequest:
    """The fallback webhook as Twilio sends it, signed with ``signature`` if given."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        "Accept": "*/*",
        "X-Home-Region": "us1",
        "I-Twilio-Idempotency-Token": "5e0b1f62-2d3c-4b6a-9d39-0f7c6a1e2b44",
    }
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return HttpRequest("POST", PATH, urlencode(call_form()).encode("ascii"), headers)


def signed_request() -> HttpRequest:
    """The webhook signed by the twilio library, over the URL Twilio would call."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + PATH, call_form())
    return webhook_request(signature)


def project_env(workdir: Path) -> dict[str, str]:
    """The project's settings, as production would set them (stores local and unused)."""
    return {
        "HELPLINE_ENV": "production",
        "TWILIO_NUMBER": "+14155550100",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FALLBACK_NUMBER": FALLBACK_NUMBER,
        "DATABASE_URL": f"sqlite:///{workdir / 'helpline.db'}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    }


def check_dial(name: str, response: HttpResponse) -> bytes:
    """The body, if ``response`` is TwiML that dials the fallback number."""
    if response.status != 200:
        raise BenchmarkError(f"{name}: {PATH} answered {response.status}, expected 200")
    try:
        dial = ET.fromstring(response.body).find("Dial")
    except ET.ParseError as exc:
        raise BenchmarkError(f"{name}: {PATH} answered invalid XML: {exc}") from exc
    if dial is None or (dial.text or "").strip() != FALLBACK_NUMBER:
        raise BenchmarkError(f"{name}: {PATH} did not <Dial> {FALLBACK_NUMBER}: {response.body!r}")
    return response.body


def verify_project(server: GunicornServer) -> bytes:
    """The project's TwiML, after proving that it refuses unsigned and forged webhooks."""
    body = check_dial("project", server.send(signed_request()))
    for label, forged in (("unsigned", None), ("forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")):
        status = server.send(webhook_request(forged)).status
        if status != 403:
            raise BenchmarkError(f"project: an {label} webhook got {status}, expected 403")
    return body


def verify_bare(server: GunicornServer, expected: bytes) -> None:
    """The bare app must answer the very bytes the project answered."""
    body = check_dial("bare", server.send(signed_request()))
    if body != expected:
        raise BenchmarkError(f"bare: TwiML differs from the project's: {body!r}")


def start_servers(args: argparse.Namespace, workdir: Path) -> dict[str, GunicornServer]:
    """Both apps under gunicorn with the same workers, checked before any load."""
    common: dict[str, Any] = {
        "workers": args.workers,
        "worker_class": args.worker_class,
        "log_dir": workdir,
    }
    project = GunicornServer("project", "app.wsgi:app", env=project_env(workdir), **common)
    servers = {"project": project}
    try:
        project.start()
        twiml = verify_project(project)
        bare_env = {"BENCH_TWIML": twiml.decode("utf-8")}
        pythonpath = Path(__file__).resolve().parent
        servers["bare"] = GunicornServer(
            "bare", "bare_app:app", env=bare_env, pythonpath=pythonpath, **common
        )
        servers["bare"].start()
        verify_bare(servers["bare"], twiml)
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: dict[str, GunicornServer]) -> None:
    """Stop every server that was started."""
    for server in servers.values():
        server.stop()


def measure(servers: dict[str, GunicornServer], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Warm both apps up, then run the alternating rounds; one dict per round."""
    request = signed_request()
    if args.warmup > 0:
        for name in SERVERS:
            run_load(servers[name].port, request, args.warmup, args.connections, args.load)
    rounds = []
    for number in range(1, args.rounds + 1):
        results: dict[str, LoadResult] = {}
        for name in SERVERS:
            results[name] = run_load(
                servers[name].port, request, args.seconds, args.connections, args.load
            )
            progress(f"round {number}/{args.rounds} {name:8} {results[name].rps:8.0f} req/s")
        rounds.append(round_row(number, results))
    return rounds


def round_row(number: int, results: dict[str, LoadResult]) -> dict[str, Any]:
    """One round's figures, JSON-ready."""
    row: dict[str, Any] = {"round": number}
    for name, result in results.items():
        row[name] = {
            "requests": result.requests,
            "rps": result.rps,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "bad_status": result.bad_status,
            "socket_errors": result.socket_errors,
        }
    bare_rps = results["bare"].rps
    row["ratio"] = results["project"].rps / bare_rps if bare_rps else 0.0
    return row


def summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over rounds of each figure, and the median per-round ratio."""
    median: dict[str, Any] = {}
    for name in SERVERS:
        median[name] = {
            key: statistics.median(row[name][key] for row in rounds)
            for key in ("rps", "p50_ms", "p99_ms")
        }
    median["ratio"] = statistics.median(row["ratio"] for row in rounds)
    return median


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """What the figures were measured on, printed with them."""
    return {
        "path": PATH,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "connections": args.connections,
        "load_generator": args.load,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "twilio": version("twilio"),
    }


def print_table(report: dict[str, Any]) -> None:
    """The per-round table, the medians, the baseline and the ratio."""
    env = report["environment"]
    print(f"webhook overhead: POST {env['path']}, signature checked (project) vs bare Flask")
    print(
        f"gunicorn {env['gunicorn']}, {env['workers']} {env['worker_class']} workers per app; "
        f"load {env['load_generator']}, {env['connections']} connections, "
        f"{env['rounds']} rounds x {env['seconds']:g} s; {env['cpus']} CPUs, "
        f"Python {env['python']}, Flask {env['flask']}, twilio {env['twilio']}"
    )
    print(f"{'round':>6}  {'app':8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in report["rounds"]:
        for name in SERVERS:
            figures = row[name]
            errors = figures["bad_status"] + figures["socket_errors"]
            print(
                f"{row['round']:>6}  {name:8} {figures['rps']:8.0f} "
                f"{figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f} {errors:7d}"
            )
        print(f"{'':>6}  {'ratio':8} {row['ratio']:8.2f}")
    median = report["median"]
    for name in SERVERS:
        figures = median[name]
        print(
            f"{'median':>6}  {name:8} {figures['rps']:8.0f} "
            f"{figures['p50_ms']:8.2f} {figures['p99_ms']:8.2f}"
        )
    print(f"baseline (bare Flask, same TwiML): {median['bare']['rps']:.0f} req/s")
    print(f"ratio {median['ratio']:.2f} (target >= {TARGET:.2f})")


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def bad_answers(rounds: list[dict[str, Any]]) -> int:
    """Error statuses seen under load: a wrong answer, not a slow one."""
    return sum(row[name]["bad_status"] for row in rounds for name in SERVERS)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 if a server failed to start or answered wrongly."""
    args = parse_args(argv)
    if importlib.util.find_spec("gunicorn") is None:
        progress("gunicorn is not installed here: run with the project's .venv/bin/python")
        return 1
    with tempfile.TemporaryDirectory(prefix="helpline-bench-") as tmp:
        try:
            servers = start_servers(args, Path(tmp))
            try:
                rounds = measure(servers, args)
            finally:
                stop_servers(servers)
        except BenchmarkError as exc:
            progress(f"webhook_overhead: {exc}")
            return 1
    median = summarize(rounds)
    report = {
        "environment": environment(args),
        "rounds": rounds,
        "median": median,
        "baseline_rps": median["bare"]["rps"],
        "ratio": median["ratio"],
        "target": TARGET,
        "meets_target": median["ratio"] >= TARGET,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    if bad_answers(rounds):
        progress("webhook_overhead: error statuses under load; see the errors column")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
