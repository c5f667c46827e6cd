"""Shared benchmark plumbing: gunicorn servers on free ports and closed-loop HTTP load.

Load comes from ``wrk`` when it is installed (a Lua script sets the request and reports
latency percentiles) and otherwise from a Python generator: one process per connection,
each sending the next request as soon as the last answer arrived.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class BenchmarkError(RuntimeError):
    """A server did not start or answered wrongly: the figures would mean nothing."""


@dataclass(frozen=True)
class HttpRequest:
    """One request, sent over and over by the load generator."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HttpResponse:
    """What a server answered to a single verification request."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class LoadResult:
    """Throughput and latency of one load run."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_status: int = 0
    socket_errors: int = 0
    cpu_seconds: float = 0.0  # what the load generator itself spent (wrk only)

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send(port: int, request: HttpRequest, timeout: float = 30.0) -> HttpResponse:
    """Send ``request`` once to 127.0.0.1:``port`` and read the whole answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(request.method, request.path, request.body, request.headers)
        response = connection.getresponse()
        return HttpResponse(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def _gunicorn_has_setting(name: str) -> bool:
    """Whether the installed gunicorn knows setting ``name`` (flags differ by version)."""
    from gunicorn.config import make_settings

    return name in make_settings()


class GunicornServer:
    """A gunicorn process serving ``app_spec`` on a free port; a context manager."""

    def __init__(
        self,
        name: str,
        app_spec: str,
        *,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int | None = None,
        env: dict[str, str] | None = None,
        pythonpath: Path | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = (log_dir or Path(tempfile.gettempdir())) / f"gunicorn-{name}.log"
        self.command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        self.command += ["--workers", str(workers), "--worker-class", worker_class]
        if threads is not None:  # gthread: threads per worker, as ``helpline serve`` sets them
            self.command += ["--threads", str(threads)]
        if pythonpath is not None:
            self.command += ["--pythonpath", str(pythonpath)]
        if _gunicorn_has_setting("control_socket_disable"):
            # gunicorn 27+ opens ~/.gunicorn/gunicorn.ctl; two servers at once would share it.
            self.command.append("--no-control-socket")
        self.command.append(app_spec)
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        """Start gunicorn and wait until it accepts connections."""
        with self.log_path.open("wb") as log:
            # A session of its own, so stopping it can reach workers the arbiter left behind.
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"{self.name}: gunicorn exited\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise BenchmarkError(f"{self.name}: no answer on port {self.port}\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop gunicorn gracefully, then by force."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def send(self, request: HttpRequest, timeout: float = 30.0) -> HttpResponse:
        """Send ``request`` once; a server that cannot answer is a ``BenchmarkError``."""
        try:
            return send(self.port, request, timeout)
        except (OSError, http.client.HTTPException) as exc:
            raise BenchmarkError(f"{self.name}: no answer ({exc!r})\n{self.log_tail()}") from exc

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log, for error messages."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile of already sorted values."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def have_wrk() -> bool:
    """Whether the ``wrk`` load generator is on the PATH."""
    return shutil.which("wrk") is not None


def run_load(
    port: int, request: HttpRequest, seconds: float, connections: int, generator: str
) -> LoadResult:
    """Drive ``request`` at a server for ``seconds`` with ``connections`` in a closed loop."""
    if generator == "wrk":
        return run_wrk(port, request, seconds, connections)
    return run_python(port, request, seconds, connections)


# --- wrk -------------------------------------------------------------------------------

# The body of a Lua ``done(summary, latency, requests)`` that prints what run_wrk_script reads.
WRK_REPORT_LUA = """
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%.0f duration_us=%.0f p50_us=%.0f p99_us=%.0f "
      .. "status=%.0f connect=%.0f read=%.0f write=%.0f timeout=%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
"""
_WRK_DONE = "function done(summary, latency, requests)" + WRK_REPORT_LUA + "end\n"
_WRK_RESULT = re.compile(r"wrk-result ((?:\w+=\d+ ?)+)")


def _lua_string(text: str) -> str:
    """A Lua long-bracket literal holding ``text`` verbatim."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_script(request: HttpRequest) -> str:
    """The Lua script that makes wrk send ``request`` and print its figures."""
    lines = [f"wrk.method = {_lua_string(request.method)}"]
    lines.append(f"wrk.body = {_lua_string(request.body.decode('latin-1'))}")
    for name, value in request.headers.items():
        # The spaces matter: "[[" right after "headers" would open a long string.
        lines.append(f"wrk.headers[ {_lua_string(name)} ] = {_lua_string(value)}")
    return "\n".join(lines) + "\n" + _WRK_DONE


def run_wrk(port: int, request: HttpRequest, seconds: float, connections: int) -> LoadResult:
    """Load with one wrk thread, leaving the other cores to the servers."""
    result, _ = run_wrk_script(port, request.path, wrk_script(request), seconds, connections)
    return result


def run_wrk_script(
    port: int,
    path: str,
    script: str,
    seconds: float,
    connections: int,
    script_args: tuple[str, ...] = (),
) -> tuple[LoadResult, str]:
    """Run one wrk thread with the Lua ``script`` (whose ``done`` includes ``WRK_REPORT_LUA``).

    Returns the figures and wrk's whole output, for scripts that print more lines.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        command += ["--timeout", "10s", "-s", file.name, f"http://127.0.0.1:{port}{path}"]
        command += ["--", *script_args] if script_args else []
        cpu_before = _children_cpu()
        done = subprocess.run(command, capture_output=True, text=True)
        cpu = _children_cpu() - cpu_before
    finally:
        os.unlink(file.name)
    match = _WRK_RESULT.search(done.stdout)
    if done.returncode or match is None:
        raise BenchmarkError(f"wrk printed no result:\n{done.stdout}{done.stderr}")
    figures = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    result = LoadResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        bad_status=figures["status"],
        socket_errors=sum(figures[k] for k in ("connect", "read", "write", "timeout")),
        cpu_seconds=cpu,
    )
    return result, done.stdout


def _children_cpu() -> float:
    """CPU seconds used by waited-for child processes so far (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- the Python generator ----------------------------------------------------------------


def _closed_loop(args: tuple[int, HttpRequest, float, float]) -> tuple[list[float], int, int]:
    """One connection: send, wait, repeat between ``start`` and ``stop`` (monotonic times)."""
    port, request, start, stop = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies: list[float] = []
    bad_status = socket_errors = 0
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < stop:
        began = time.perf_counter()
        try:
            # http.client reconnects by itself after a "Connection: close" answer.
            connection.request(request.method, request.path, request.body, request.headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            socket_errors += 1
            connection.close()
            continue
        latencies.append(time.perf_counter() - began)
        bad_status += response.status >= 400
    connection.close()
    return latencies, bad_status, socket_errors


def run_python(port: int, request: HttpRequest, seconds: float, connections: int) -> LoadResult:
    """Load from one process per connection; all start together after a short delay."""
    start = time.monotonic() + 0.5  # time for every process to fork before the clock starts
    jobs = [(port, request, start, start + seconds)] * connections
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        parts: list[Any] = pool.map(_closed_loop, jobs)
    latencies = sorted(latency for part in parts for latency in part[0])
    return LoadResult(
        requests=len(latencies),
        seconds=seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        bad_status=sum(part[1] for part in parts),
        socket_errors=sum(part[2] for part in parts),
    )
