"""Deflection on the supervisor's dashboard: answers given instead of a person, by channel
and by day, with what customers made of them; and the questions nobody could answer.

A false deflection is an answer after which the customer contacted us again on any
channel within 72 hours (``app.services.texting.deflection``). An answer not yet decided
either way is pending.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Deflection, DeflectionOutcome, UnansweredQuestion, utcnow

DAYS = 7
GAPS = 10  # content gaps listed
OUTCOMES = [outcome.value for outcome in DeflectionOutcome]


def report(session: Session, days: int = DAYS) -> dict[str, Any]:
    """Attempts and outcomes per day and channel (newest day first), totals per channel,
    and the questions most often left unanswered, over the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    day = func.date(Deflection.created_at)
    rows = session.execute(
        select(day, Deflection.channel, Deflection.outcome, func.count())
        .where(Deflection.created_at >= since)
        .group_by(day, Deflection.channel, Deflection.outcome)
    ).all()
    by_day: dict[tuple[str, str], dict[str, Any]] = {}
    totals: dict[str, dict[str, Any]] = {}
    for when, channel, outcome, count in rows:
        day_row = by_day.setdefault((str(when), channel.value), _empty(str(when), channel.value))
        total = totals.setdefault(channel.value, _empty("", channel.value))
        for row in (day_row, total):
            row[outcome.value] += count
            row["attempts"] += count
    return {
        "days": days,
        "by_day": [_rated(by_day[key]) for key in _newest_first(by_day)],
        "totals": [_rated(totals[name]) for name in sorted(totals)],
        "gaps": content_gaps(session, days),
    }


def content_gaps(session: Session, days: int = DAYS, most: int = GAPS) -> list[dict[str, Any]]:
    """The questions most often asked without a confident answer: how often, the latest
    wording, and where to answer it in the community."""
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        select(
            UnansweredQuestion.query_key,
            func.count(),
            func.max(UnansweredQuestion.id),
            func.max(UnansweredQuestion.asked_at),
        )
        .where(UnansweredQuestion.asked_at >= since)
        .group_by(UnansweredQuestion.query_key)
        .order_by(func.count().desc(), func.max(UnansweredQuestion.asked_at).desc())
        .limit(most)
    ).all()
    latest = {
        row.id: row
        for row in session.scalars(
            select(UnansweredQuestion).where(UnansweredQuestion.id.in_([r[2] for r in rows]))
        )
    }
    gaps = []
    for _key, count, last_id, last_asked in rows:
        asked = latest[last_id]
        gaps.append(
            {
                "question": asked.query_text,
                "language": asked.language,
                "channel": asked.channel.value,
                "times": count,
                "last_asked": last_asked.isoformat(timespec="minutes"),
                "answer_url": "/community/ask?" + urlencode({"title": asked.query_text}),
            }
        )
    return gaps


def _newest_first(rows: dict[tuple[str, str], Any]) -> list[tuple[str, str]]:
    """Days newest first, each day's channels in name order."""
    by_channel = sorted(rows, key=lambda key: key[1])
    return sorted(by_channel, key=lambda key: key[0], reverse=True)


def _empty(day: str, channel: str) -> dict[str, Any]:
    return {"day": day, "channel": channel, "attempts": 0, **dict.fromkeys(OUTCOMES, 0)}


def _rated(row: dict[str, Any]) -> dict[str, Any]:
    decided = row["attempts"] - row["pending"]
    solved = row["solved"] / decided if decided else None
    return {**row, "solved_share": solved}
