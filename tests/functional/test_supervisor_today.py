"""Today's figures: 15-minute intervals in UTC and contacts per agent, from the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Direction, Interaction, InteractionChannel, IntervalStat, Queue
from app.services.supervision.today import handled_by_agent, intervals
from tests.functional.supervisors import Supervisor, hire

NOW = datetime(2026, 12, 1, 10, 40, tzinfo=UTC)


def call(at: datetime, outcome: str, speed: float | None = None, **fields: Any) -> Interaction:
    queue_id = db.session.query(Queue.id).limit(1).scalar()
    details = {} if speed is None else {"speed_of_answer": speed}
    row = Interaction(
        channel=InteractionChannel.VOICE,
        direction=Direction.INBOUND,
        started_at=at,
        queue_id=fields.pop("queue_id", queue_id),
        outcome=outcome,
        details=details,
        **fields,
    )
    db.session.add(row)
    return row


def test_calls_are_counted_in_their_utc_interval(app: Flask, center: Any) -> None:
    call(NOW.replace(hour=9, minute=0), "answered", 5)
    call(NOW.replace(hour=9, minute=14, second=59), "answered", 30)
    call(NOW.replace(hour=9, minute=15), "abandoned")
    call(NOW.replace(hour=10, minute=31), "handled", 12)
    call(NOW - timedelta(days=1), "answered", 1)  # yesterday
    call(NOW.replace(hour=9, minute=5), "queued", queue_id=None)  # never reached a queue
    db.session.commit()

    rows = intervals(db.session, NOW, within_seconds=20)

    assert len(rows) == 43  # 00:00 to 10:30
    nine = rows[36]
    assert (nine.start, nine.offered, nine.answered, nine.abandoned) == ("09:00", 2, 2, 0)
    assert nine.service_level == 0.5
    assert (rows[37].offered, rows[37].abandoned, rows[37].service_level) == (1, 1, None)
    assert (rows[42].start, rows[42].answered, rows[42].service_level) == ("10:30", 1, 1.0)
    assert sum(row.offered for row in rows) == 4


def figures(at: datetime, within: float = 20) -> list[tuple[int, int, int, int]]:
    return [
        (r.offered, r.answered, r.abandoned, r.answered_within)
        for r in intervals(db.session, at, within)
    ]


def test_settled_intervals_read_from_the_rollup_match_a_count_from_the_record(
    app: Flask, center: Any
) -> None:
    call(NOW.replace(hour=8, minute=3), "answered", 5)
    call(NOW.replace(hour=9, minute=20), "abandoned")
    db.session.commit()

    first, second = figures(NOW), figures(NOW)

    kept = db.session.scalars(select(IntervalStat.slot).order_by(IntervalStat.slot)).all()
    assert first == second
    assert first[32] == (1, 1, 0, 1) and first[37] == (1, 0, 1, 0)
    assert kept == list(range(41))  # up to 10:15, which ended 25 minutes before 10:40


def test_an_interval_with_a_caller_still_waiting_stays_open_until_the_caller_is_answered(
    app: Flask, center: Any
) -> None:
    waiting = call(NOW.replace(hour=9, minute=1), "queued")
    db.session.commit()
    assert figures(NOW)[36] == (1, 0, 0, 0)

    waiting.outcome, waiting.details = "answered", {"speed_of_answer": 7.0}
    db.session.commit()

    assert figures(NOW)[36] == (1, 1, 0, 1)


def test_a_caller_still_in_the_menus_keeps_the_interval_open_for_when_they_reach_a_queue(
    app: Flask, center: Any
) -> None:
    in_menus = call(NOW.replace(hour=9, minute=1), "", queue_id=None)
    db.session.commit()
    assert figures(NOW)[36] == (0, 0, 0, 0)

    in_menus.queue_id = db.session.query(Queue.id).limit(1).scalar()
    in_menus.outcome = "abandoned"
    db.session.commit()

    assert figures(NOW)[36] == (1, 0, 1, 0)


def test_another_service_level_target_is_counted_afresh(app: Flask, center: Any) -> None:
    call(NOW.replace(hour=8, minute=3), "answered", 25)
    db.session.commit()

    assert figures(NOW, within=20)[32] == (1, 1, 0, 0)
    assert figures(NOW, within=30)[32] == (1, 1, 0, 1)


def test_contacts_today_are_counted_per_agent(app: Flask, center: Any) -> None:
    ana, bo = hire("ana@example.com").agent, hire("bo@example.com").agent
    for _ in range(3):
        call(NOW.replace(hour=8), "answered", 3, agent_id=ana.id)
    call(NOW.replace(hour=9), "handled", agent_id=bo.id)
    call(NOW - timedelta(days=1), "answered", agent_id=bo.id)
    db.session.commit()

    assert handled_by_agent(db.session, NOW) == {ana.id: 3, bo.id: 1}


def test_the_page_renders_every_figure_before_any_script(app: Flask, center: Any) -> None:
    hire("x@example.com", name="<img src=x onerror=alert(1)>")
    call(datetime.now(UTC), "abandoned")
    db.session.commit()
    sue = Supervisor.logged_in(app, "sue@example.com")

    html = sue.get("/supervisor").get_data(as_text=True)

    for heading in (
        "Queues now",
        "Today by 15 minutes",
        "Agents",
        "Closed switches",
        "Open tasks",
        "Routing weights",
        "Staffing calculator",
        "Audit log",
    ):
        assert f">{heading}</h2>" in html
    assert "Times in UTC" in html
    assert "1 offered, 0 answered, 1 abandoned" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html
    assert 'role="img"' in html and '<title id="chart-offered-title">' in html


def test_the_staffing_form_shows_its_result_on_the_page(app: Flask, center: Any) -> None:
    sue = Supervisor.logged_in(app, "sue@example.com")

    html = sue.get("/supervisor?calls_per_hour=100&aht=180").get_data(as_text=True)
    wrong = sue.get("/supervisor?calls_per_hour=100&aht=zero").get_data(as_text=True)

    assert "<strong>8 agents needed</strong>" in html
    assert "aht: give a number" in wrong
