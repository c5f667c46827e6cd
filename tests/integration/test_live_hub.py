"""The live hub on a real Redis: events reach every open stream, survive a lost connection,
and what the database holds is told only once it is committed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import redis

from app.extensions import db
from app.live.hub import Hub, Watcher
from app.live.publish import channel_of, send
from app.services.callbacks import tasks
from tests.support import TEST_REDIS_URL


@pytest.fixture
def hub(redis_client: redis.Redis) -> Iterator[Hub]:
    made = Hub(TEST_REDIS_URL, channel_of(redis_client), most=3)
    yield made
    made.stop()


def kinds(hub_stream, timeout: float = 1.0) -> list[str]:  # type: ignore[no-untyped-def]
    return [json.loads(event.data)["kind"] for event in hub_stream.take(timeout)]


def test_every_open_stream_gets_an_event_within_a_second(hub, redis_client):
    streams = [hub.open(), hub.open()]
    assert hub.subscribed.wait(timeout=2)

    started = time.monotonic()
    send(redis_client, "queue", what="enqueued", queue="general")
    got = [stream.take(timeout=1.0) for stream in streams]

    assert time.monotonic() - started < 1.0
    assert [[json.loads(e.data)["queue"] for e in events] for events in got] == [["general"]] * 2


def test_each_redis_database_has_its_own_channel():
    one, other = (redis.Redis.from_url(f"redis://127.0.0.1:6379/{n}") for n in (3, 4))

    assert channel_of(one) != channel_of(other)


def test_the_hub_refuses_a_stream_past_its_most(hub):
    opened = [hub.open() for _ in range(3)]

    assert hub.open() is None
    hub.close(opened[0])
    assert hub.open() is not None


def test_after_redis_drops_the_hub_streams_resync_and_events_flow_again(hub, redis_client):
    stream = hub.open()
    assert hub.subscribed.wait(timeout=2)
    mine = [c for c in redis_client.client_list() if c.get("name") == hub.name]
    assert len(mine) == 1

    redis_client.client_kill_filter(_id=mine[0]["id"])
    resync = [json.loads(event.data) for event in stream.take(timeout=3.0)]
    send(redis_client, "queue", what="abandoned", queue="general")

    assert resync == [{"kind": "hello", "resync": True, "why": "reconnected"}]
    assert kinds(stream) == ["queue"]


@pytest.fixture
def listener(redis_client: redis.Redis) -> Iterator[redis.client.PubSub]:
    pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel_of(redis_client))
    pubsub.get_message(timeout=1)
    yield pubsub
    pubsub.close()


def heard(pubsub: redis.client.PubSub) -> list[dict[str, object]]:
    messages = []
    while (message := pubsub.get_message(timeout=0.3)) is not None:
        messages.append(json.loads(message["data"]))
    return messages


def test_a_new_task_is_told_once_committed_and_not_before(app, listener):
    tasks.add_callback(db.session, "general", "en", "+14155550123", None, "CA" + "1" * 32)
    before = heard(listener)

    db.session.commit()

    assert before == []
    assert [(m["kind"], m["what"], m["queue"]) for m in heard(listener)] == [
        ("task", "opened", "general")
    ]


def test_a_task_rolled_back_is_never_told(app, listener):
    tasks.add_callback(db.session, "general", "en", "+14155550123", None, "CA" + "2" * 32)

    db.session.rollback()
    db.session.commit()

    assert heard(listener) == []


def test_a_burst_of_changes_is_one_line_read_sent_to_every_console(redis_client):
    reads: list[str] = []

    def read_line(queue: str) -> dict[str, object]:
        reads.append(queue)
        return {"queue": queue, "waiting": len(reads)}

    hub = Hub(
        TEST_REDIS_URL, channel_of(redis_client), most=5, line_reader=read_line, line_every=0.5
    )
    consoles = [hub.open(Watcher(agent="7", queues=frozenset({"general"}))) for _ in range(3)]
    floor = hub.open()
    assert hub.subscribed.wait(timeout=2)
    try:
        for what in ("enqueued", "abandoned", "enqueued", "answered"):
            send(redis_client, "queue", what=what, queue="general")
        time.sleep(0.3)
        heard = [[json.loads(e.data) for e in console.take(1.0)] for console in consoles]
        floor_heard = [json.loads(e.data)["kind"] for e in floor.take(1.0)]
    finally:
        hub.stop()

    assert len(reads) <= 2  # at most one read now and one after line_every
    assert all(events and {e["kind"] for e in events} == {"line"} for events in heard), heard
    assert all(events[-1]["line"]["queue"] == "general" for events in heard)
    assert floor_heard and set(floor_heard) == {"queue"}  # the floor hears each change


def test_a_console_hears_only_its_queues_and_itself(hub, redis_client):
    console = hub.open(Watcher(agent="7", queues=frozenset({"general"})))
    floor = hub.open()
    assert hub.subscribed.wait(timeout=2)

    send(redis_client, "queue", what="enqueued", queue="billing")
    send(redis_client, "agent", what="away", agent="8")
    send(redis_client, "offer", what="offered", agent="7", queue="billing")
    time.sleep(0.3)

    assert [json.loads(e.data)["kind"] for e in floor.take(1.0)] == ["queue", "agent", "offer"]
    assert [json.loads(e.data)["agent"] for e in console.take(1.0)] == ["7"]
