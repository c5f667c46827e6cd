"""Fixtures for functional tests: the store on a fake clock, the main line open."""

from __future__ import annotations

import pytest
from flask import Flask

from routing.redis_store import RedisQueueStore
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
