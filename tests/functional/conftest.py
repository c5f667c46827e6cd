"""Fixtures for functional tests: the store on a fake clock, the main line open."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from routing.redis_store import RedisQueueStore
from tests.functional.agent_calls import log_in_ana
from tests.functional.desks import FakeClock, open_center
from tests.functional.voice import OPEN


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def center(app: Flask, clock: FakeClock) -> RedisQueueStore:
    """The demo queues on an open line, with the app's queue store reading ``clock``."""
    return open_center(app, clock)


@pytest.fixture
def line(app: Flask) -> Flask:
    """The app with the main line open (a Tuesday morning in Chicago)."""
    app.config["CLOCK"] = lambda: OPEN
    return app


@pytest.fixture
def desk(app: Flask, client: FlaskClient) -> Any:
    """The app with queues, one agent (Ana, password "secret") logged in via the API."""
    return log_in_ana(app, client)
