"""Recorded calls as the simulator's arrivals: times, tiers, handle times, patience, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.services.supervision.recorded_traffic import (
    CallRecord,
    CaseSpan,
    EarlierContact,
    busiest_hour_agents,
    handle_seconds,
    patience_seconds,
    to_arrivals,
)
from routing.model import History

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AT = START.timestamp()


def record(number: int = 1, minutes: float = 0, **fields: Any) -> CallRecord:
    return CallRecord(
        id=number,
        started_at=START + timedelta(minutes=minutes),
        queue=fields.pop("queue", "general"),
        **fields,
    )


def test_a_call_arrives_when_it_started_in_its_queue_with_its_callers_tier_and_value() -> None:
    call = record(7, 5, queue="billing", customer_id=3, tier="gold", lifetime_value=1200.0)

    [arrival] = to_arrivals([call], default_handle_seconds=300)

    assert (arrival.id, arrival.arrived_at, arrival.queue) == ("interaction-7", AT + 300, "billing")
    assert (arrival.tier, arrival.lifetime_value) == ("gold", 1200.0)


def test_an_unknown_caller_has_no_tier_and_no_history() -> None:
    [arrival] = to_arrivals([record(tier="gold")], default_handle_seconds=300)

    assert arrival.tier is None
    assert arrival.history == History()


@pytest.mark.parametrize(
    ("details", "ended_after", "expected"),
    [
        ({"answered_at": AT + 10, "wrapped_up": {"at": AT + 250}}, 200, 240.0),
        ({"answered_at": AT + 10}, 200, 190.0),
        ({"speed_of_answer": 10}, 200, None),
        ({"answered_at": AT + 10, "wrapped_up": {"at": AT + 5}}, None, None),
        ({"answered_at": "soon"}, 200, None),
    ],
)
def test_handle_time_runs_from_answer_to_wrap_up_or_else_to_the_end_of_the_call(
    details: dict[str, Any], ended_after: float | None, expected: float | None
) -> None:
    ended = START + timedelta(seconds=ended_after) if ended_after is not None else None

    assert handle_seconds(record(details=details, ended_at=ended)) == expected


def test_an_unknown_handle_time_is_the_queues_mean_else_the_default() -> None:
    known = {"answered_at": AT, "wrapped_up": {"at": AT + 100}}
    calls = [
        record(1, 0, details=known),
        record(2, 1, details={"answered_at": AT + 60, "wrapped_up": {"at": AT + 260}}),
        record(3, 2),
        record(4, 3, queue="billing"),
    ]

    arrivals = to_arrivals(calls, default_handle_seconds=300)

    assert [a.handle_seconds for a in arrivals] == [100.0, 200.0, 150.0, 300.0]


def test_a_caller_who_left_unanswered_was_patient_as_long_as_they_waited_in_the_queue() -> None:
    ended = START + timedelta(seconds=90)
    in_queue = {"routing": {"arrived_at": AT + 30}}

    assert patience_seconds(record(outcome="abandoned", ended_at=ended, details=in_queue)) == 60
    assert patience_seconds(record(outcome="abandoned", ended_at=ended)) == 90
    assert patience_seconds(record(outcome="abandoned")) is None
    assert patience_seconds(record(outcome="handled", ended_at=ended)) is None


def test_a_queue_clock_outside_the_call_is_not_trusted_for_the_wait() -> None:
    ended = START + timedelta(seconds=90)
    odd = {"routing": {"arrived_at": AT - 5000}}

    assert patience_seconds(record(outcome="abandoned", ended_at=ended, details=odd)) == 90


def test_history_counts_the_callers_other_contacts_of_the_week_before_and_open_cases() -> None:
    call = record(10, customer_id=5, tier="silver")
    contacts = [
        EarlierContact(id=1, customer_id=5, started_at=START - timedelta(days=8), agent_id=9),
        EarlierContact(id=2, customer_id=5, started_at=START - timedelta(days=3), agent_id=4),
        EarlierContact(id=3, customer_id=5, started_at=START - timedelta(hours=2), outcome="sms"),
        EarlierContact(id=10, customer_id=5, started_at=START),
        EarlierContact(id=11, customer_id=5, started_at=START + timedelta(hours=1)),
        EarlierContact(id=12, customer_id=6, started_at=START - timedelta(hours=1)),
    ]
    cases = [
        CaseSpan(id=20, customer_id=5, opened_at=START - timedelta(days=1)),
        CaseSpan(id=21, customer_id=5, opened_at=START - timedelta(days=9), closed_at=START),
        CaseSpan(id=22, customer_id=5, opened_at=START + timedelta(minutes=1)),
        CaseSpan(id=23, customer_id=6, opened_at=START - timedelta(days=1)),
    ]

    [arrival] = to_arrivals([call], default_handle_seconds=300, contacts=contacts, cases=cases)

    assert arrival.history == History(
        contacts_24h=1,
        contacts_7d=2,
        open_cases=(20,),
        last_outcome="sms",
        last_agent_id="4",
        last_contact_at=(START - timedelta(days=3)).timestamp(),
    )


def test_arrivals_come_in_order_of_arrival() -> None:
    calls = [record(1, 10), record(2, 0), record(3, 5)]

    arrivals = to_arrivals(calls, default_handle_seconds=300)

    assert [a.id for a in arrivals] == ["interaction-2", "interaction-3", "interaction-1"]


def test_the_busiest_hour_counts_the_distinct_agents_who_answered_in_it() -> None:
    calls = [
        record(1, 0, agent_id=1, outcome="handled"),
        record(2, 10, agent_id=2, outcome="answered"),
        record(3, 20, agent_id=1, outcome="handled"),
        record(4, 30, agent_id=3, outcome="abandoned"),
        record(5, 70, agent_id=3, outcome="handled"),
    ]

    assert busiest_hour_agents(calls) == 2
    assert busiest_hour_agents([]) == 0
