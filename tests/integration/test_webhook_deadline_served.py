"""The webhook deadline where it runs for real: gunicorn's sync workers (the request in the
worker's main thread, stopped by a signal) and gthread workers (off the main thread,
stopped by the watchdog)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import nullcontext

import pytest

from tests.functional.voice import FALLBACK, MAIN_LINE, destination
from tests.integration.stalled import (
    write_lock_held_elsewhere,
)
from tests.support import call_params, process_env, sign, unused_port

pytestmark = pytest.mark.slow

IN_TIME = 5.0  # well inside Twilio's 15 s, with a WEBHOOK_DEADLINE of 2 s
PROMISED = 3.0  # WEBHOOK_DEADLINE plus STORE_TIMEOUT: what the settings check promises


def start_gunicorn(
    worker_class: str, database_url: str, port: int, workers: int = 1
) -> subprocess.Popen[str]:
    env = process_env(
        database_url,
        FALLBACK_NUMBER=FALLBACK,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        STORE_TIMEOUT="1",
        WEBHOOK_DEADLINE="2",
    )
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers)]
    # Threads only for gthread: gunicorn turns sync workers with threads into gthread ones.
    threads = ["--threads", "2"] if worker_class == "gthread" else []
    command += ["--worker-class", worker_class, *threads, "app.wsgi:app"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def post(base: str, path: str, params: dict[str, str], timeout: float = 30) -> bytes:
    request = urllib.request.Request(
        base + path,
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": sign(base + path, params)},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return bytes(response.read())


def wait_until_serving(base: str, deadline: float) -> None:
    """A worker answers: ``/voice/fallback`` touches no store."""
    while True:
        try:
            post(base, "/voice/fallback", call_params(), timeout=10)
            return
        except OSError:  # refused, reset or timed out (URLError is one too): not yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_a_served_call_reaches_a_person_in_time_when_the_database_stops_answering(
    hung_postgres, redis_client, worker_class
):
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(worker_class, hung_postgres.url(), port)
    try:
        wait_until_serving(base, time.monotonic() + 30)
        started = time.monotonic()

        answer = post(base, "/voice/incoming", call_params(To=MAIN_LINE))

        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert destination(ET.fromstring(answer)) == ("dial", FALLBACK)
    assert elapsed < IN_TIME


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_a_served_call_is_answered_within_the_promised_time_when_the_database_hangs_mid_call(
    proxy, database_url, redis_client, worker_class
):
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(worker_class, proxy.url_for(database_url), port)
    try:
        wait_until_serving(base, time.monotonic() + 30)
        post(base, "/voice/incoming", call_params(To=MAIN_LINE))  # the pool keeps a connection
        proxy.freeze()
        started = time.monotonic()

        answer = post(base, "/voice/incoming", call_params(To=MAIN_LINE))

        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert destination(ET.fromstring(answer)) == ("dial", FALLBACK)
    assert elapsed < PROMISED


BURST = 20  # calls at once, on the 2 sync workers of `helpline serve`


def burst(base: str, calls: int = BURST) -> list[tuple[bytes, float]]:
    """``calls`` new calls at once: each one's answer and the seconds it took."""
    answers: list[tuple[bytes, float]] = []
    start = threading.Barrier(calls)

    def call() -> None:
        start.wait()
        started = time.monotonic()
        answer = post(base, "/voice/incoming", call_params(To=MAIN_LINE))
        answers.append((answer, time.monotonic() - started))

    threads = [threading.Thread(target=call) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.parametrize("fault", ["sqlite lock", "hung postgresql"])
def test_a_burst_of_calls_during_a_database_fault_is_answered_in_time(
    database_url, hung_postgres, redis_client, fault
):
    if fault == "sqlite lock" and not database_url.startswith("sqlite"):
        pytest.skip("the SQLite lock needs the SQLite suite")
    url = database_url if fault == "sqlite lock" else hung_postgres.url()
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn("sync", url, port, workers=2)
    try:
        wait_until_serving(base, time.monotonic() + 30)
        held = write_lock_held_elsewhere(database_url) if fault == "sqlite lock" else nullcontext()
        with held:
            answers = burst(base)
    finally:
        server.terminate()
        server.communicate(timeout=30)

    assert len(answers) == BURST
    assert all(destination(ET.fromstring(answer)) == ("dial", FALLBACK) for answer, _ in answers)
    assert max(elapsed for _, elapsed in answers) < IN_TIME
