"""Load-aware pacing: a broadcast made with ``--hold-while-wait`` sends its first wave, then
holds the next while the queues' estimated wait (callers really waiting in Redis) is above
the threshold, showing why; it goes on once the wait drops. Pause and cancel still act
within a second while held; a wait that cannot be read, or a hold that lasted the most it
may, never stops the alert."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import responses
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue
from rq.timeouts import TimerDeathPenalty
from sqlalchemy import select

from app.extensions import db
from app.models import Broadcast, DeliveryState, Tier
from app.services.broadcasts import broadcasts, load_hold, sender, sending_run
from routing.entries import RemovalReason
from tests.functional.supervisors import Supervisor
from tests.functional.test_broadcast_audience import boston_broadband, customer
from tests.functional.test_broadcast_sending import OUR_NUMBER, TEXT, Twilio, deliveries, work
from tests.functional.test_supervisor_incidents import form_post
from tests.integration.test_fault_messages import InProcessWorker

PLATINUM, BRONZE = "+16175550201", "+16175550202"
WAITING = ("CA-wait-1", "CA-wait-2")  # two callers, nobody to answer: about 12 min each


@pytest.fixture
def twilio(app, monkeypatch) -> Iterator[Twilio]:  # type: ignore[no-untyped-def]
    app.config.update(TWILIO_NUMBER=OUR_NUMBER, BROADCAST_MPS=0, BROADCAST_JOBS=1)
    monkeypatch.setattr(load_hold, "RECHECK_SECONDS", 0.2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield Twilio(mock)


def planned(hold: int | None = 120) -> int:
    incident = boston_broadband()
    customer(PLATINUM, tier=Tier.PLATINUM)
    customer(BRONZE, tier=Tier.BRONZE)
    made = broadcasts.create(
        db.session, incident, TEXT, tier_waves=True, quiet_hours=False, hold_while_wait=hold
    )
    return made.broadcast.id


def callers_waiting(app) -> None:  # type: ignore[no-untyped-def]
    store = app.extensions["routing.store"]
    for n, call_sid in enumerate(WAITING):
        store.enqueue(call_sid, "outage", score=1.0, arrival=time.time() - 60 + n)


def callers_answered(app) -> None:  # type: ignore[no-untyped-def]
    store = app.extensions["routing.store"]
    for call_sid in WAITING:
        store.remove(call_sid, RemovalReason.ABANDONED)


class ThreadWorker(InProcessWorker):
    """RQ's in-process worker on a thread of its own: signals are the main thread's, so
    a job's time limit is kept by a timer."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


class Sending:
    """The broadcast's job in a worker of its own thread, as ``helpline worker`` runs it."""

    def __init__(self, app, redis_client) -> None:  # type: ignore[no-untyped-def]
        def run() -> None:
            with app.app_context():
                queue = Queue("broadcasts", connection=redis_client)
                ThreadWorker([queue], connection=redis_client).work(burst=True)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def ended_within(self, seconds: float) -> bool:
        self.thread.join(seconds)
        return not self.thread.is_alive()


def held_status(broadcast_id: int, within: float = 10.0) -> dict:  # type: ignore[type-arg]
    ends = time.monotonic() + within
    while time.monotonic() < ends:
        db.session.rollback()
        found = broadcasts.status(db.session, broadcast_id)
        if found["held"]:
            return found
        time.sleep(0.05)
    raise AssertionError("the broadcast was never held")


def test_the_first_wave_goes_the_next_waits_while_the_queues_wait_is_high_then_goes(
    app, redis_client, twilio, runner
) -> None:
    broadcast_id = planned(hold=120)
    callers_waiting(app)

    sending_run.control(db.session, broadcast_id, "start")
    worker = Sending(app, redis_client)
    status = held_status(broadcast_id)
    shown = runner.invoke(args=["broadcast", "status", str(broadcast_id)]).output
    boss = Supervisor.logged_in(app, "sam@example.com")
    page = boss.get("/supervisor/incidents/1").get_data(as_text=True)
    sent_while_held = [m["To"] for m in twilio.created]
    callers_answered(app)
    ended = worker.ended_within(15)

    assert sent_while_held == [PLATINUM]
    assert status["state"] == "sending" and status["pending"] == 1
    assert status["held"]["reason"] == "queue wait 12 min above 2 min"
    assert (status["held"]["queue"], status["held"]["wave"]) == ("outage", 3)
    assert "sending (held: queue wait 12 min above 2 min)" in shown
    assert "held: queue wait 12 min above 2 min" in page
    assert ended
    db.session.rollback()
    final = broadcasts.status(db.session, broadcast_id)
    assert (final["state"], final["held"]) == ("done", None)
    assert sorted(m["To"] for m in twilio.created) == sorted([PLATINUM, BRONZE])


@pytest.mark.parametrize(("move", "left"), [("pause", "pending"), ("cancel", "skipped")])
def test_pause_and_cancel_act_within_a_second_while_held(
    app, redis_client, twilio, move: str, left: str
) -> None:
    broadcast_id = planned(hold=120)
    callers_waiting(app)
    sending_run.control(db.session, broadcast_id, "start")
    worker = Sending(app, redis_client)
    held_status(broadcast_id)

    sending_run.control(db.session, broadcast_id, move)
    stopped = worker.ended_within(1.0)

    assert stopped
    assert [m["To"] for m in twilio.created] == [PLATINUM]
    db.session.expire_all()
    assert deliveries(broadcast_id)[BRONZE].state is DeliveryState(left)
    assert broadcasts.status(db.session, broadcast_id)["held"] is None


def test_without_the_option_every_wave_goes_whatever_the_wait(app, redis_client, twilio) -> None:
    broadcast_id = planned(hold=None)
    callers_waiting(app)

    sending_run.control(db.session, broadcast_id, "start")
    work(app, redis_client)

    assert sorted(m["To"] for m in twilio.created) == sorted([PLATINUM, BRONZE])


def test_a_wait_that_cannot_be_read_does_not_hold_the_alert(
    app, redis_client, twilio, monkeypatch
) -> None:
    broadcast_id = planned(hold=120)
    callers_waiting(app)

    def unreadable() -> None:
        raise RedisConnectionError("the routing store is down")

    monkeypatch.setattr(load_hold, "longest_estimated_wait", unreadable)
    sending_run.control(db.session, broadcast_id, "start")
    work(app, redis_client)

    assert sorted(m["To"] for m in twilio.created) == sorted([PLATINUM, BRONZE])
    assert broadcasts.status(db.session, broadcast_id)["state"] == "done"


def test_a_wave_is_held_at_most_broadcast_hold_most_seconds_then_goes(
    app, redis_client, twilio
) -> None:
    app.config["BROADCAST_HOLD_MOST_SECONDS"] = 0.5
    broadcast_id = planned(hold=120)
    callers_waiting(app)

    sending_run.control(db.session, broadcast_id, "start")
    began = time.monotonic()
    work(app, redis_client)

    assert sorted(m["To"] for m in twilio.created) == sorted([PLATINUM, BRONZE])
    assert 0.4 <= time.monotonic() - began < 5


def test_the_option_is_kept_on_the_broadcast_from_the_command_line_and_the_page(
    app, runner
) -> None:
    incident = boston_broadband()
    customer(PLATINUM, tier=Tier.PLATINUM)
    boss = Supervisor.logged_in(app, "sam@example.com")

    made = runner.invoke(
        args=["broadcast", "create", str(incident), "--text", TEXT, "--tier-waves"]
        + ["--hold-while-wait", "120", "--json"]
    )
    posted = form_post(
        boss,
        f"/supervisor/incidents/{incident}/broadcasts",
        {"message": "text", "text": TEXT, "tier_waves": "on", "hold_minutes": "2.5"},
    )
    refused = form_post(
        boss,
        f"/supervisor/incidents/{incident}/broadcasts",
        {"message": "text", "text": TEXT, "hold_minutes": "soon"},
    )

    assert made.exit_code == 0, made.output
    assert posted.status_code == 303 and refused.status_code == 400
    holds = db.session.scalars(select(Broadcast.options).order_by(Broadcast.id)).all()
    assert [options["hold_while_wait"] for options in holds] == [120, 150]


def test_only_a_new_wave_is_held_never_the_first(app, twilio) -> None:
    broadcast_id = planned(hold=120)

    first = load_hold.next_wave(db.session, broadcast_id)
    claimed = sender.claim(db.session, broadcast_id, "w1", 50, wave=first[0])
    second = load_hold.next_wave(db.session, broadcast_id)

    assert first == (0, False)  # nothing begun: the first wave never waits
    assert [c.phone for c in claimed] == [PLATINUM]  # a claim keeps to its wave
    assert second == (3, True)
