"""A broadcast survives workers killed mid-send: two forked `helpline worker` processes,
one SIGKILLed (its whole process group: the job too) at random moments and started again,
against a local Twilio stub that records every message. Then every recipient has exactly
one text: nothing lost, nothing twice. A STOP arriving mid-broadcast: nothing more to it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Broadcast, Delivery, DeliveryState, utcnow
from app.services.broadcasts import broadcasts, sending_run
from app.services.texting import numbers
from app.twilio.stub import StubState, close, serve
from tests.functional.test_broadcast_audience import boston_broadband, customer
from tests.integration.test_processes import stop
from tests.support import ACCOUNT_SID, process_env

pytestmark = pytest.mark.slow

OUR_NUMBER = "+14155550100"  # process_env's TWILIO_NUMBER
TEXT = "Broadband is down in Boston; back by 6 pm. Reply STOP to opt out."


@pytest.fixture
def stub() -> Any:
    state = StubState()
    server = serve(state)
    yield state, server.server_address[1]
    close(server)


def worker(database_url: str, port: int, seed: int = 0) -> subprocess.Popen[str]:
    env = process_env(
        database_url,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_API_BASE=f"http://127.0.0.1:{port}",
        PUBLIC_BASE_URL="https://help.example.com",
        BROADCAST_MPS="60",
        BROADCAST_STALE_SECONDS="3",
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_done(broadcast_id: int, seconds: float) -> str:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        db.session.expire_all()
        state = db.session.get(Broadcast, broadcast_id).state.value
        if state in ("done", "cancelled"):
            return state
        time.sleep(0.2)
    return db.session.get(Broadcast, broadcast_id).state.value


def kill_all(pid: int) -> None:
    """SIGKILL a worker, its group and every process under it: RQ's job process leads a
    session of its own (``os.setsid``), so killing the group alone would spare the job."""
    for child in children(pid):
        kill_all(child)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append(int(entry))
    return found


def both_sending(broadcast_id: int, seconds: float = 30) -> bool:
    """Until two workers hold fresh claims of the broadcast at once (both mid-send; a
    killed worker's claims are older)."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        db.session.rollback()
        fresh = utcnow() - timedelta(seconds=1)
        holders = db.session.scalars(
            select(Delivery.claimed_by)
            .where(
                Delivery.broadcast_id == broadcast_id,
                Delivery.state == DeliveryState.CLAIMED,
                Delivery.claimed_at > fresh,
            )
            .distinct()
        ).all()
        if len(holders) >= 2:
            return True
        time.sleep(0.02)
    return False


def test_workers_killed_mid_broadcast_lose_nothing_and_send_nothing_twice(
    app, database_url, stub
) -> None:
    state, port = stub
    incident = boston_broadband()
    phones = [f"+1617555{n:04d}" for n in range(1500)]
    for phone in phones:
        customer(phone)
    made = broadcasts.create(db.session, incident, TEXT, quiet_hours=False)
    rng = random.Random(7)
    kills = 0

    sending_run.control(db.session, made.broadcast.id, "start")
    steady, victim = worker(database_url, port), worker(database_url, port)
    try:
        for kill in range(3):
            if kill:
                sending_run.enqueue(made.broadcast.id)  # work for the new worker
            if not both_sending(made.broadcast.id):
                break  # the broadcast ended first: the kills so far are the test
            kills += 1
            time.sleep(rng.uniform(0.05, 0.6))  # somewhere in a chunk: sent, not recorded
            kill_all(victim.pid)  # the worker and its job, mid-send
            victim.wait(timeout=10)
            if victim.stdout is not None:
                victim.stdout.close()
            victim = worker(database_url, port)
        ended = wait_done(made.broadcast.id, seconds=90)
    finally:
        logs = stop(steady) + stop(victim)

    per_number = Counter(message.to for message in state.taken)
    assert kills >= 2, "fewer than two workers were killed mid-send"
    assert ended == "done", logs[-2000:]
    assert sorted(per_number) == sorted(phones)  # nothing lost
    assert [n for n, count in per_number.items() if count > 1] == []  # nothing twice
    rows = db.session.scalars(select(Delivery).where(Delivery.broadcast_id == made.broadcast.id))
    assert {row.state for row in rows} == {DeliveryState.SENT}


def test_a_stop_during_a_broadcast_means_nothing_more_to_that_number(
    app, database_url, stub
) -> None:
    state, port = stub
    incident = boston_broadband()
    phones = [f"+1617555{n:04d}" for n in range(120)]
    for phone in phones:
        customer(phone)
    made = broadcasts.create(db.session, incident, TEXT, quiet_hours=False)
    last = phones[-1]

    sending_run.control(db.session, made.broadcast.id, "start")
    sender = worker(database_url, port)
    try:
        while not state.taken:
            time.sleep(0.05)
        numbers.opt_out(db.session, last, "keyword STOP", numbers.ConsentSource.KEYWORD)
        db.session.commit()
        ended = wait_done(made.broadcast.id, seconds=60)
    finally:
        logs = stop(sender)

    assert ended == "done", logs[-2000:]
    assert last not in {message.to for message in state.taken}
    db.session.expire_all()
    row = db.session.scalars(
        select(Delivery).where(Delivery.broadcast_id == made.broadcast.id, Delivery.phone == last)
    ).one()
    assert row.state is DeliveryState.SKIPPED
