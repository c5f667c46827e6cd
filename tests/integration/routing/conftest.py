"""Fixtures for the queue store: a RedisQueueStore on the flushed test Redis, a fake clock."""

from __future__ import annotations

import pytest
import redis

from routing.redis_store import RedisQueueStore

START = 1_700_000_000.0  # a fixed epoch time, on an hour boundary


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(redis_client: redis.Redis, clock: FakeClock) -> RedisQueueStore:
    """The store on the test database, reading time from ``clock``."""
    return RedisQueueStore(redis_client, prefix="test:", clock=clock, heartbeat_timeout=30.0)
