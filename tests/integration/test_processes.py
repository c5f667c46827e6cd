"""The processes an operator starts: the web app under gunicorn and the RQ worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rq import Queue, Worker

from app.services import schema
from routing.model import Presence
from routing.redis_store import RedisQueueStore
from routing.store import EntryState
from tests.support import (
    FALLBACK_NUMBER,
    call_params,
    process_env,
    sign,
    unused_port,
)

pytestmark = pytest.mark.slow


def stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM the process, as an operator would; then SIGKILL whatever it started and left.

    A worker or server left running would take jobs from later test runs on the same Redis.
    """
    group = process.pid  # started with start_new_session: it leads its own group
    output = ""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(group, signal.SIGKILL)  # children of the group that outlived their parent
    except ProcessLookupError:
        pass
    if process.returncode is None:
        output, _ = process.communicate(timeout=10)
    return output or ""


def wait_until_idle(redis_client, deadline: float) -> None:  # type: ignore[no-untyped-def]
    """Until an RQ worker waits for jobs: only then does it handle SIGTERM (a warm shutdown);
    a signal while it starts up kills it with -15, which says nothing of our code."""
    while time.monotonic() < deadline:
        if any(w.get_state() == "idle" for w in Worker.all(connection=redis_client)):
            return
        time.sleep(0.1)


def wait_for_health(url: str, deadline: float) -> dict[str, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return dict(json.load(response))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_for_file(path: Path, deadline: float) -> str:
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return path.read_text() if path.exists() else ""


def test_serve_runs_the_web_app_and_a_worker(database_url, redis_client, tmp_path: Path):
    marker = tmp_path / "ran"
    Queue("default", connection=redis_client).enqueue(Path.write_text, marker, "done")
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    env = process_env(database_url, PUBLIC_BASE_URL=base)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        health = wait_for_health(f"{base}/healthz", time.monotonic() + 30)
        params = call_params()
        request = urllib.request.Request(
            f"{base}/voice/fallback",
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": sign(f"{base}/voice/fallback", params)},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            twiml = response.read().decode()
        job_result = wait_for_file(marker, time.monotonic() + 30)
    finally:
        output = stop(server)

    assert health == {"status": "ok", "database": "ok", "redis": "ok"}
    assert f">{FALLBACK_NUMBER}</Dial>" in twiml
    assert f"{base}/voice/incoming" in output  # the webhook URLs are printed for the operator
    assert job_result == "done"


def test_worker_runs_queued_jobs(database_url, redis_client, tmp_path: Path):
    marker = tmp_path / "ran"
    Queue("default", connection=redis_client).enqueue(Path.write_text, marker, "done")

    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "worker", "--burst"],
        env=process_env(database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert marker.read_text() == "done"


def test_db_upgrade_creates_the_schema_on_a_new_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/new.sqlite"

    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        env=process_env(url),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "Database is at head" in result.stdout
    schema.upgrade(url)  # already at head: a second run is a no-op, not an error


def test_the_worker_sweeps_missed_offers_beside_it(database_url, redis_client):
    a_minute_ago = RedisQueueStore(redis_client, clock=lambda: time.time() - 60)
    a_minute_ago.set_presence("7", Presence.AVAILABLE, ["general"])
    a_minute_ago.enqueue("CA-missed", "general", score=1.0, arrival=time.time() - 70)
    assert a_minute_ago.offer("CA-missed", "7").ok
    store = RedisQueueStore(redis_client)
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env=process_env(database_url, OFFER_TIMEOUT="20"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while store.entry("CA-missed").pending and time.monotonic() < deadline:
            time.sleep(0.2)
        wait_until_idle(redis_client, deadline)
    finally:
        output = stop(worker)

    assert store.entry("CA-missed").state is EntryState.WAITING, output
    assert store.presence("7").state is Presence.AWAY
    assert worker.returncode == 0, output


def test_a_worker_stops_within_seconds_of_sigterm(database_url, redis_client):
    # Docker gives a container 10 s between SIGTERM and SIGKILL. The hang this guards against
    # (RQ's command thread waiting out its 60 s read) came about every other stop: three tries.
    for _ in range(3):
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--no-sweeper"],
            env=process_env(database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            wait_until_idle(redis_client, time.monotonic() + 30)
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=10)
        finally:
            stop(worker)
        redis_client.flushdb()

        assert worker.returncode == 0, output
