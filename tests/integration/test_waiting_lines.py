"""The consoles' shared copy of each waiting line: read once per change, never stale after
a change the live publisher counted, and read again after MAX_AGE whatever happened."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from app.services.agents import waiting_lines
from routing.redis_store import RedisQueueStore


def enqueue(store: Any, contact_id: str, queue: str = "general") -> None:
    now = store.now()
    store.enqueue(contact_id, queue, score=-now, arrival=now, payload={"kind": "call"})


def ids(app: Flask, queue: str = "general") -> list[str]:
    line = waiting_lines.lines([queue], limit=10)[queue]
    return [entry.contact_id for entry in line.entries]


def test_a_caller_put_in_line_after_a_read_shows_in_the_next_read(app: Flask) -> None:
    store = app.extensions["routing.store"]
    enqueue(store, "CA1")
    assert ids(app) == ["CA1"]

    enqueue(store, "CA2")

    assert sorted(ids(app)) == ["CA1", "CA2"]
    assert waiting_lines.lines(["general"], limit=10)["general"].waiting == 2


def test_reads_of_an_unchanged_line_share_one_read_of_redis(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.extensions["routing.store"]
    enqueue(store, "CA1")
    reads: list[str] = []
    real = RedisQueueStore.waiting

    def counted(self: Any, queue: str, **kwargs: Any) -> Any:
        reads.append(queue)
        return real(self, queue, **kwargs)

    monkeypatch.setattr(RedisQueueStore, "waiting", counted)

    for _ in range(100):
        assert ids(app) == ["CA1"]
    enqueue(store, "CA2")
    for _ in range(100):
        assert len(ids(app)) == 2

    assert reads == ["general", "general"]


def test_a_change_nobody_counted_shows_after_max_age(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting_lines, "MAX_AGE", 0.2)
    enqueue(app.extensions["routing.store"], "CA1")
    assert ids(app) == ["CA1"]
    # A store that publishes nothing: as if the count was lost with a Redis error.
    silent = RedisQueueStore(app.extensions["redis"])

    enqueue(silent, "CA2")
    time.sleep(0.25)

    assert sorted(ids(app)) == ["CA1", "CA2"]
