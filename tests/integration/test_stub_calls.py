"""A voice broadcast against the local Twilio stub over HTTP (as the benchmarks drive it):
every recipient called once with answering-machine detection, and a dead worker's call
that Twilio still holds queued (no start time yet) found in the Calls list, not placed
again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from rq import Queue

from app.extensions import db
from app.models import DeliveryState, utcnow
from app.services.broadcasts import broadcast_calls, broadcasts, sender, sending_run
from app.twilio.stub import StubState, close, serve
from tests.functional.test_broadcast_calls import OUR_NUMBER, PHONES, deliveries, planned
from tests.integration.test_fault_messages import InProcessWorker


@pytest.fixture
def stub(app) -> Iterator[StubState]:  # type: ignore[no-untyped-def]
    state = StubState()
    server = serve(state)
    app.config.update(
        TWILIO_API_BASE=f"http://127.0.0.1:{server.server_port}",
        TWILIO_NUMBER=OUR_NUMBER,
        BROADCAST_CPS=0,
    )
    app.extensions.pop("twilio.client", None)  # made again for the stub
    yield state
    client = app.extensions.pop("twilio.client", None)
    if client is not None and client.http_client.session is not None:
        client.http_client.session.close()  # else the stub waits out its keep-alive
    close(server)


def work(redis_client: Any) -> None:
    InProcessWorker([Queue("broadcasts", connection=redis_client)], connection=redis_client).work(
        burst=True
    )
    db.session.expire_all()


def test_a_voice_broadcast_calls_each_recipient_once_at_the_stub(app, redis_client, stub) -> None:
    broadcast_id = planned(*PHONES)

    sending_run.control(db.session, broadcast_id, "start")
    work(redis_client)

    assert sorted(c.to for c in stub.calls) == sorted(PHONES)
    assert {c.form["MachineDetection"][0] for c in stub.calls} == {"DetectMessageEnd"}
    rows = deliveries(broadcast_id)
    assert {d.sid for d in rows.values()} == {c.sid for c in stub.calls}


def test_a_call_the_stub_still_holds_queued_is_found_and_not_placed_again(
    app, redis_client, stub
) -> None:
    broadcast_id = planned(*PHONES)
    sending_run.control(db.session, broadcast_id, "start")  # its jobs wait in the queue
    # A worker claimed one, rendered it, placed the call, and died before recording it.
    held = sender.claim(db.session, broadcast_id, "dead-host:1:abc", 1)[0]
    broadcast = broadcasts.find(db.session, broadcast_id)
    sender.render(db.session, broadcast, [held], "dead-host:1:abc")
    placed = broadcast_calls.place(held.id, held.phone, held.language)
    for row in deliveries(broadcast_id).values():  # (PostgreSQL may have claimed more)
        if row.claimed_by == "dead-host:1:abc":
            row.claimed_at = utcnow() - timedelta(seconds=sender.STALE_SECONDS + 5)
    db.session.commit()

    work(redis_client)

    assert [c.to for c in stub.calls].count(held.phone) == 1
    assert sorted(c.to for c in stub.calls) == sorted(PHONES)
    recovered = deliveries(broadcast_id)[held.phone]
    assert (recovered.state, recovered.sid) == (DeliveryState.SENT, placed)
