"""Fixtures for functional tests of offers: the store on a fake clock."""

from __future__ import annotations

import pytest
from flask import Flask

from routing.redis_store import RedisQueueStore
from tests.functional.desks import FakeClock, open_center


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def center(app: Flask, clock: FakeClock) -> RedisQueueStore:
    """The demo queues on an open line, with the app's queue store reading ``clock``."""
    return open_center(app, clock)
