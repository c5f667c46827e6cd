"""Browser tests: the app served on a local port, driven by Playwright in Debian's Chromium.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``.ci/run`` installs
the ``chromium`` package when it is missing). Where Chromium is absent these tests are
skipped, unless ``HELPLINE_REQUIRE_BROWSER=1`` (CI sets it) makes that a failure. A failed
test leaves a screenshot of each of its pages in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from app.extensions import db
from app.models import User
from tests.conftest import ARTIFACTS
from tests.functional.voice import OPEN, staff_queues

CHROMIUM = os.environ.get("HELPLINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own calls home are refused on a closed network; these flags stop it trying.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the run."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("HELPLINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class _InFlight:
    """The app, counting the requests it is handling.

    A request the browser sent just before its page closed may still be running when the
    test ends; its database connection must go back to the pool before the ``app`` fixture
    disposes of the engine, or it is left open (psycopg warns, and warnings fail tests).
    Counted until the app returns its response: a stream (``/api/live``) holds no connection
    while it streams.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.busy = 0
        self.changed = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.changed:
            self.busy += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.busy == 0, timeout)


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app served by a threaded server on a free local port; its base URL."""
    counted = _InFlight(app)
    http: BaseWSGIServer = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(5)
    counted.wait_idle(10)  # the pages are closed by now (new_page ends first)
    # The live hub's thread reads queue lines from the database for the consoles: stopped
    # (within a second) before the engine is disposed, or its connection is left open.
    hub = app.extensions.get("live.hub")
    if hub is not None:
        hub.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(
    browser: Any, server: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (one per person); screenshots when a test fails."""
    contexts: list[Any] = []
    blocked: list[str] = []  # what the Content-Security-Policy refused: a page bug

    def open_page(**options: Any) -> Any:
        context = browser.new_context(base_url=server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # what the page's own scripts threw, for tests to check
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    yield open_page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{n}-{m}.png"), full_page=True)
    for context in contexts:
        context.close()
    assert blocked == [], "the page did something its Content-Security-Policy forbids"


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def accessibility() -> Callable[[Any], list[str]]:
    """Run axe-core's checks of labels, names and contrast on a page; the violations."""
    if not AXE.exists():
        if os.environ.get("HELPLINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"axe-core is not installed ({AXE}): npm ci --prefix tests/browser")
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser")
    source = AXE.read_text()

    def check(page: Any) -> list[str]:
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(source)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
        return [
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in result["violations"]
        ]

    return check


@pytest.fixture
def ana(app: Flask) -> str:
    """Ana, an agent of every queue (password "secret"), logged out; her agent id."""
    app.config["CLOCK"] = lambda: OPEN
    agent_id = staff_queues(app, presence="offline")
    user = db.session.scalars(select(User)).one()
    user.set_password("secret")
    db.session.commit()
    return agent_id
