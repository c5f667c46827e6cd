"""Planning a broadcast from the supervisor's page by a job on the ``broadcasts`` queue (real
RQ in this process, real database): the page shows it planning, then planned with its
audience and a preview, or refused with what broke; start waits for it; a planning job
that died is planned again by the worker's sweep; without Redis nothing is written."""

from __future__ import annotations

import json

import pytest
import redis
from rq import Queue
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Broadcast, BroadcastState, Customer, Delivery
from app.services.broadcasts import audience, planning, sending_run
from tests.functional.supervisors import Supervisor
from tests.functional.test_broadcast_audience import customer
from tests.functional.test_broadcast_sending import work

PAGE = "/supervisor/incidents/1"
PHONES = ("+16175550101", "+16175550102", "+16175550103")
# Fine for a typical recipient; for Bartholomew, a call too long to end offering a person.
FOR_ONE = (
    '{% if first_name == "Bartholomew" %}'
    + "The outage goes on. " * 60
    + "{% endif %}Broadband is down. Reply STOP to opt out."
)


def form_post(person: Supervisor, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return person.open("POST", path, data={"csrf_token": person.csrf, **data})


@pytest.fixture
def boss(app) -> Supervisor:  # type: ignore[no-untyped-def]
    """A supervisor on the page of a broadband outage in Boston with three customers."""
    person = Supervisor.logged_in(app, "sam@example.com")
    for phone in PHONES:
        customer(phone)
    form_post(person, "/supervisor/incidents", {"title": "Fibre cut", "areas": "Boston"})
    return person


def plan(boss: Supervisor, **form: str):  # type: ignore[no-untyped-def]
    return form_post(
        boss,
        f"{PAGE}/broadcasts",
        {"message": "text", "text": "Broadband is down. Reply STOP to opt out.", **form},
    )


def state_of(broadcast_id: int = 1) -> BroadcastState:
    db.session.expire_all()
    return db.session.get(Broadcast, broadcast_id).state


def rows(broadcast_id: int = 1) -> list[str]:
    query = select(Delivery.phone).where(Delivery.broadcast_id == broadcast_id)
    return sorted(db.session.scalars(query))


def test_the_page_shows_a_broadcast_planning_then_planned_with_its_audience_and_a_preview(
    app, redis_client, boss
) -> None:
    planned = plan(boss)
    while_planning = boss.get(PAGE).get_data(as_text=True)

    work(app, redis_client)
    after = boss.get(PAGE).get_data(as_text=True)

    assert planned.status_code == 303 and planned.headers["Location"].endswith("#broadcasts")
    assert '<span class="badge">planning</span>' in while_planning
    assert "planning… 0 planned so far" in while_planning
    assert 'http-equiv="refresh"' in while_planning
    assert "Start broadcast 1" not in while_planning
    assert '<span class="badge">planned</span>' in after and "Start broadcast 1" in after
    assert '<td class="num">3</td>' in after  # the audience
    assert "reads: Broadband is down. Reply STOP to opt out." in after
    assert 'http-equiv="refresh"' not in after
    assert rows() == sorted(PHONES)


def test_the_page_counts_what_a_planning_job_wrote_so_far(app, redis_client, boss) -> None:
    plan(boss)
    broadcast = db.session.get(Broadcast, 1)
    audience.plan(db.session, broadcast)  # as a job midway would have left it: still planning

    shown = boss.get(PAGE).get_data(as_text=True)

    assert "planning… 3 planned so far" in shown


def test_a_recipient_who_breaks_the_script_refuses_the_broadcast_and_the_page_says_why(
    app, redis_client, boss
) -> None:
    first = db.session.scalars(select(Customer).where(Customer.phone == PHONES[0])).one()
    first.name = "Bartholomew Smith"  # among the few the script is tried with
    db.session.commit()

    planned = plan(boss, text=FOR_ONE)
    work(app, redis_client)
    shown = boss.get(PAGE).get_data(as_text=True)
    started = form_post(boss, "/supervisor/broadcasts/1/start", {})

    assert planned.status_code == 303  # the script itself is fine for a typical recipient
    assert state_of() is BroadcastState.REFUSED
    assert rows() == []  # nothing left to send
    assert '<span class="badge">refused</span>' in shown
    assert "ad_hoc, English voice: A call must end by offering a person" in shown
    assert "Start broadcast 1" not in shown and 'http-equiv="refresh"' not in shown
    assert started.status_code == 400 and "is refused: cannot start" in started.get_data(
        as_text=True
    )


def test_start_is_refused_while_the_broadcast_is_planning(app, redis_client, boss) -> None:
    plan(boss)

    started = form_post(boss, "/supervisor/broadcasts/1/start", {})

    assert started.status_code == 400
    assert "Broadcast 1 is planning: cannot start." in started.get_data(as_text=True)
    assert state_of() is BroadcastState.PLANNING


def test_the_sweep_plans_again_a_broadcast_whose_planning_job_died_midway(
    app, redis_client, boss, monkeypatch
) -> None:
    plan(boss)
    Queue("broadcasts", connection=redis_client).empty()  # the worker died with its job
    monkeypatch.setattr(audience, "BATCH", 1)
    written = 0

    def killed() -> None:
        nonlocal written
        written += 1
        if written == 2:
            raise SystemExit("SIGKILL")

    with pytest.raises(SystemExit):  # a job killed after two of its batches
        audience.plan(db.session, db.session.get(Broadcast, 1), killed)
    redis_client.delete(planning.BEAT_KEY.format(1))  # its heartbeat ran out

    revived = sending_run.upkeep_if_due(db.session)
    work(app, redis_client)

    assert written == 2
    assert revived == [1]
    assert state_of() is BroadcastState.PLANNED
    assert rows() == sorted(PHONES)  # each once
    assert db.session.get(Broadcast, 1).audience == 3


def test_the_sweep_leaves_alone_a_planning_job_that_waits_or_works(app, redis_client, boss) -> None:
    plan(boss)

    waiting = sending_run.upkeep_if_due(db.session)
    Queue("broadcasts", connection=redis_client).empty()
    redis_client.set(planning.BEAT_KEY.format(1), "1")  # a job at work, beating
    redis_client.delete(sending_run.UPKEEP_KEY)
    working = sending_run.upkeep_if_due(db.session)

    assert (waiting, working) == ([], [])
    assert state_of() is BroadcastState.PLANNING


def test_without_redis_the_form_says_so_and_writes_nothing(app, redis_client, boss) -> None:
    app.extensions["redis"] = redis.Redis(port=1, socket_connect_timeout=0.2)

    refused = plan(boss)

    text = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert "The job queue (Redis) is not answering, so the broadcast was not created." in text
    assert db.session.scalar(select(func.count()).select_from(Broadcast)) == 0
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "broadcast.create")).all()
        == []
    )


def test_a_broadcast_written_as_redis_stopped_is_planned_by_the_sweep_once_it_is_back(
    app, redis_client, boss, monkeypatch
) -> None:
    def stopped(broadcast_id: int) -> None:
        raise redis.ConnectionError("Redis went away")

    with monkeypatch.context() as patched:
        patched.setattr(planning, "enqueue", stopped)
        refused = plan(boss)
    redis_client.delete(planning.BEAT_KEY.format(1))  # a minute later: written, not planned
    revived = sending_run.upkeep_if_due(db.session)
    work(app, redis_client)

    assert refused.status_code == 503
    assert "broadcast 1 is written but will be planned only once Redis is back" in (
        refused.get_data(as_text=True)
    )
    assert revived == [1] and state_of() is BroadcastState.PLANNED


def test_status_json_says_planning_while_a_job_plans(app, redis_client, boss, runner) -> None:
    plan(boss)

    before = json.loads(runner.invoke(args=["broadcast", "status", "1", "--json"]).output)
    work(app, redis_client)
    after = json.loads(runner.invoke(args=["broadcast", "status", "1", "--json"]).output)

    assert (before["state"], before["audience"]) == ("planning", 0)
    assert (after["state"], after["audience"]) == ("planned", 3)


def test_the_command_line_still_plans_in_its_own_process(app, redis_client, runner) -> None:
    customer("+16175550101")
    runner.invoke(args=["incidents", "open", "Fibre cut", "--services", "broadband"])

    made = runner.invoke(args=["broadcast", "create", "1", "--text", "Down. Reply STOP"])

    assert made.exit_code == 0, made.output
    assert made.output.startswith("Broadcast 1: 1 recipients (1 customers, 0 subscribers).")
    assert state_of() is BroadcastState.PLANNED  # no worker ran
    assert Queue("broadcasts", connection=redis_client).count == 0
