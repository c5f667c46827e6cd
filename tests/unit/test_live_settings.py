"""WEB_THREADS and LIVE_MAX_STREAMS: streams may hold some threads, never all of them."""

from __future__ import annotations

import threading

import pytest

from app.config import ConfigError, load_settings
from app.live.hub import Event, Stream
from app.web_settings import check_web_settings


def test_by_default_live_streams_leave_threads_for_webhooks():
    settings = load_settings("/tmp/instance", environ={})

    assert 0 < settings["LIVE_MAX_STREAMS"] < settings["WEB_THREADS"]


@pytest.mark.parametrize(
    ("threads", "streams", "message"),
    [
        ("8", "8", "LIVE_MAX_STREAMS must be below WEB_THREADS"),
        ("0", "0", "WEB_THREADS must be a whole number above 0"),
        ("8", "-1", "LIVE_MAX_STREAMS must be a whole number, 0 or more"),
    ],
)
def test_streams_that_could_take_every_thread_are_refused(threads, streams, message):
    settings = load_settings("/tmp/instance", {"WEB_THREADS": threads, "LIVE_MAX_STREAMS": streams})

    with pytest.raises(ConfigError, match=message):
        check_web_settings(settings)


def test_a_stream_far_behind_gets_one_resync_instead_of_its_backlog():
    stream = Stream(backlog=3)
    resync = Event("r", '{"kind": "hello", "resync": true}')
    for n in range(4):
        stream.put(Event(str(n), "{}"), resync)

    assert stream.take(timeout=0) == [resync]


def test_a_stream_hands_over_what_came_in_order():
    stream = Stream()
    resync = Event("r", "{}")
    stream.put(Event("1", "a"), resync)
    stream.put(Event("2", "b"), resync)

    assert [event.id for event in stream.take(timeout=0)] == ["1", "2"]
    assert stream.take(timeout=0.01) == []


def test_a_burst_of_the_same_change_reaches_a_page_once():
    from app.live import routes

    class Hub:
        subscribed = threading.Event()  # subscribed: the hello goes at once

        def close(self, stream):
            pass

    Hub.subscribed.set()

    stream = Stream(backlog=1000)
    hello = Event("h", '{"kind": "hello"}')
    for n in range(50):  # 50 callers in a moment: "general changed", at 50 instants
        data = f'{{"kind": "queue", "what": "enqueued", "queue": "general", "at": {n}}}'
        stream.put(Event(str(n), data), hello)
    stream.put(Event("x", '{"kind": "agent", "what": "busy", "agent": "7", "at": 1}'), hello)
    body = routes._events(Hub(), stream, hello, lambda: True, lifetime=0.3, heartbeat=60)

    frames = "".join(body).split("\n\n")

    data = [frame for frame in frames if "data:" in frame]
    assert len(data) == 3  # hello, the queue's latest change, the agent's
    assert '"at": 49' in data[1]
