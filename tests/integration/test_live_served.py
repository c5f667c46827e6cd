"""``helpline serve`` with live streams open: webhooks are still answered at once, since
streams hold at most LIVE_MAX_STREAMS of each process's WEB_THREADS."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.functional.live_streams import LiveStream, cookie_of, log_in
from tests.functional.voice import MAIN_LINE, staff_queues
from tests.integration.test_processes import stop, wait_for_health
from tests.support import call_params, process_env, sign, unused_port

pytestmark = pytest.mark.slow


def signed(base: str, path: str, params: dict[str, str]) -> requests.Response:
    headers = {"X-Twilio-Signature": sign(base + path, params)}
    return requests.post(base + path, data=params, headers=headers, timeout=10)


def test_webhooks_are_answered_while_live_max_streams_streams_are_open(app, database_url):
    staff_queues(app, presence="offline")
    db.session.scalars(select(User)).one().set_password("secret")
    db.session.commit()
    port = unused_port()
    base = f"http://127.0.0.1:{port}"
    # Development: the session cookie is not Secure, so a plain-HTTP browser sends it back.
    env = process_env(
        database_url,
        HELPLINE_ENV="development",
        PUBLIC_BASE_URL=base,
        WEB_THREADS="4",
        LIVE_MAX_STREAMS="3",
    )
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_health(f"{base}/healthz", time.monotonic() + 30)
        cookie = cookie_of(log_in(base, "ana@example.com"))
        streams = [LiveStream(base, cookie) for _ in range(3)]
        refused = LiveStream(base, cookie)
        started = time.monotonic()
        incoming = signed(base, "/voice/incoming", call_params(To=MAIN_LINE))
        fallback = signed(base, "/voice/fallback", call_params())
        took = time.monotonic() - started
        for stream in streams:
            stream.close()
    finally:
        output = stop(server)

    assert [stream.status for stream in streams] == [200] * 3, output
    assert refused.status == 503
    assert (incoming.status_code, fallback.status_code) == (200, 200)
    assert "<Response>" in incoming.text and "<Dial" in fallback.text
    assert took < 2.0
