"""The weights' what-if replays the center's recorded recent calls, or says it generated some."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Case,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    Queue,
    Tier,
    utcnow,
)
from app.services.supervision import recorded_calls
from app.services.supervision.recorded_traffic import to_arrivals
from app.services.supervision.weights_edit import as_fields
from routing import default_weights
from tests.functional.supervisors import Supervisor, hire

HANDLE_SECONDS = 240.0
URL = "/api/supervisor/weights/what-if"


@pytest.fixture
def sue(app: Flask, center: Any) -> Supervisor:
    return Supervisor.logged_in(app, "sue@example.com")


def shipped(**changes: float) -> dict[str, float]:
    return {**as_fields(default_weights()), **changes}


def customer(phone: str, tier: Tier) -> Customer:
    found = Customer(phone=phone, name=f"{tier.value} caller", tier=tier, lifetime_value=Decimal(0))
    db.session.add(found)
    db.session.flush()
    return found


def answered_call(at: datetime, who: Customer | None, agent_id: int | None, **fields: Any) -> None:
    """A call answered at once and wrapped up HANDLE_SECONDS later, as the record keeps it."""
    queue_id = db.session.scalars(select(Queue.id).order_by(Queue.id)).first()
    answered = at.timestamp()
    row = Interaction(
        channel=InteractionChannel.VOICE,
        direction=fields.pop("direction", Direction.INBOUND),
        started_at=at,
        ended_at=at + timedelta(seconds=HANDLE_SECONDS),
        customer_id=who.id if who else None,
        queue_id=fields.pop("queue_id", queue_id),
        agent_id=agent_id,
        outcome="handled",
        details={
            "answered_at": answered,
            "speed_of_answer": 0.0,
            "wrapped_up": {"agent_id": agent_id, "at": answered + HANDLE_SECONDS},
        },
        **fields,
    )
    db.session.add(row)


def busy_hour(count: int, start: datetime, staff: tuple[str, str] = ("ana", "bo")) -> None:
    """``count`` calls a minute apart, gold and bronze in turn, for two agents: a queue builds."""
    ana, bo = (hire(f"{name}@example.com").agent for name in staff)
    gold = customer("+15550000001", Tier.GOLD)
    bronze = customer("+15550000002", Tier.BRONZE)
    for number in range(count):
        who = gold if number % 2 else bronze
        agent = ana if number % 2 else bo
        answered_call(start + timedelta(minutes=number), who, agent.id)


def test_the_what_if_replays_the_queued_calls_of_the_last_week(sue: Supervisor) -> None:
    busy_hour(60, utcnow() - timedelta(days=2))
    old = utcnow() - timedelta(days=8)
    for minute in range(5):
        answered_call(old + timedelta(minutes=minute), None, agent_id=None)
    answered_call(utcnow() - timedelta(days=1), None, None, queue_id=None)
    answered_call(utcnow() - timedelta(days=1), None, None, direction=Direction.OUTBOUND)
    db.session.commit()

    result = sue.post(URL, {"fields": shipped(), "load": {}}).get_json()

    assert result["source"] == "recorded"
    assert result["period"]["contacts"] == 60
    assert result["period"]["days"] == 7
    assert result["scenario"]["agents"] == 2
    assert result["scenario"]["agents_from"] == "record"
    assert result["scenario"]["aht_seconds"] == HANDLE_SECONDS
    assert {row["tier"] for row in result["tiers"]} == {"gold", "bronze"}


def test_raising_a_tiers_points_shortens_its_replayed_wait(sue: Supervisor) -> None:
    busy_hour(60, utcnow() - timedelta(days=1))
    db.session.commit()

    result = sue.post(URL, {"fields": shipped(**{"tiers.bronze": 60}), "load": {}}).get_json()

    tiers = {row["tier"]: row for row in result["tiers"]}
    assert result["source"] == "recorded"
    # Bronze callers now go before gold ones: they wait less, gold callers more.
    assert tiers["bronze"]["average_wait_after"] < tiers["bronze"]["average_wait_before"]
    assert tiers["gold"]["average_wait_after"] > tiers["gold"]["average_wait_before"]
    assert tiers["bronze"]["after"] >= tiers["bronze"]["before"]


def test_the_form_may_shorten_the_period_and_set_the_agents(sue: Supervisor) -> None:
    busy_hour(60, utcnow() - timedelta(hours=30))
    db.session.commit()

    recent = sue.post(URL, {"fields": shipped(), "load": {"days": 2, "agents": 3}}).get_json()
    shorter = sue.post(URL, {"fields": shipped(), "load": {"days": 1}}).get_json()

    assert (recent["source"], recent["period"]["contacts"]) == ("recorded", 60)
    assert (recent["scenario"]["agents"], recent["scenario"]["agents_from"]) == (3, "form")
    assert (shorter["source"], shorter["period"]["contacts"]) == ("generated", 0)


def test_without_enough_recorded_calls_the_what_if_generates_traffic_and_says_so(
    sue: Supervisor,
) -> None:
    busy_hour(10, utcnow() - timedelta(days=1))
    db.session.commit()

    result = sue.post(URL, {"fields": shipped(), "load": {"agents": 7}}).get_json()

    assert result["source"] == "generated"
    assert result["period"]["contacts"] == 10
    assert result["scenario"]["agents"] == 7
    assert {row["tier"] for row in result["tiers"]} == {"gold", "bronze"}


@pytest.mark.parametrize("load", [{"days": 0}, {"days": 400}, {"days": "week"}, {"agents": 0}])
def test_a_what_if_with_an_impossible_period_or_roster_is_refused(
    sue: Supervisor, load: dict[str, Any]
) -> None:
    busy_hour(60, utcnow() - timedelta(days=1))
    db.session.commit()

    response = sue.post(URL, {"fields": shipped(), "load": load})

    assert response.status_code == 400


def test_past_the_limit_the_newest_calls_are_kept(sue: Supervisor) -> None:
    start = utcnow() - timedelta(days=1)
    busy_hour(10, start)
    db.session.commit()

    recording = recorded_calls.read(db.session, 7, utcnow(), limit=4)

    assert recording.truncated is True
    assert [call.started_at for call in recording.calls] == [
        start + timedelta(minutes=minute) for minute in range(6, 10)
    ]


def test_a_replayed_callers_history_comes_from_their_contacts_and_cases(sue: Supervisor) -> None:
    at = utcnow() - timedelta(days=1)
    gold = customer("+15550000009", Tier.GOLD)
    texted = at - timedelta(days=2)
    db.session.add_all(
        [
            Interaction(
                channel=InteractionChannel.SMS,
                direction=Direction.INBOUND,
                started_at=texted,
                customer_id=gold.id,
                outcome="replied",
            ),
            Case(customer_id=gold.id, subject="outage", opened_at=at - timedelta(days=3)),
        ]
    )
    answered_call(at, gold, agent_id=None)
    db.session.commit()

    recording = recorded_calls.read(db.session, 7, utcnow())
    [arrival] = to_arrivals(
        recording.calls,
        default_handle_seconds=300,
        contacts=recording.contacts,
        cases=recording.cases,
    )

    assert (arrival.tier, arrival.queue) == ("gold", recording.queues[0].name)
    assert arrival.history.contacts_7d == 1
    assert arrival.history.last_outcome == "replied"
    assert len(arrival.history.open_cases) == 1
