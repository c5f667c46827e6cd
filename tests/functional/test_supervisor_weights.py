"""Routing weights from the dashboard: a what-if, then a save every process routes by."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.services.calls import queueing, routing_weights
from app.services.supervision.weights_edit import as_fields
from routing import default_weights
from tests.functional.supervisors import Supervisor


@pytest.fixture
def sue(app: Flask, center: Any) -> Supervisor:
    return Supervisor.logged_in(app, "sue@example.com")


def shipped(**changes: float) -> dict[str, float]:
    return {**as_fields(default_weights()), **changes}


def test_the_form_shows_the_weights_in_force(sue: Supervisor) -> None:
    found = sue.get("/api/supervisor/weights").get_json()

    assert found == {"fields": shipped(), "saved": False}


def test_a_what_if_gives_service_level_per_tier_before_and_after(sue: Supervisor) -> None:
    body = {"fields": shipped(**{"tiers.bronze": 60}), "load": {"calls_per_hour": 80, "agents": 7}}

    result = sue.post("/api/supervisor/weights/what-if", body).get_json()

    tiers = {row["tier"]: row for row in result["tiers"]}
    assert set(tiers) == {"platinum", "gold", "silver", "bronze"}
    # Bronze callers jump ahead of everyone: they wait less, platinum callers more.
    assert tiers["bronze"]["average_wait_after"] < tiers["bronze"]["average_wait_before"]
    assert tiers["platinum"]["average_wait_after"] > tiers["platinum"]["average_wait_before"]


def test_saved_weights_are_what_routing_uses_and_the_change_is_audited(
    app: Flask, sue: Supervisor
) -> None:
    response = sue.post(
        "/api/supervisor/weights",
        {"fields": shipped(**{"tiers.gold": 35}), "reason": "gold promise"},
    )

    assert response.status_code == 200, response.get_json()
    app.extensions.pop("routing.saved_weights", None)  # another process, reading afresh
    assert queueing.weights().tiers["gold"] == 35
    assert sue.get("/api/supervisor/weights").get_json()["saved"] is True
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.reason) == ("weights.save", "gold promise")
    assert entry.detail["changed"] == {"tiers.gold": [30.0, 35.0]}


def test_routing_keeps_the_configured_weights_until_some_are_saved(app: Flask) -> None:
    assert queueing.weights() is routing_weights.configured()


@pytest.mark.parametrize(
    "fields",
    [
        shipped(**{"aging.points_per_second": 0}),
        shipped(**{"tiers.gold": -1}),
        {**shipped(), "tiers.gold": "lots"},
        {**shipped(), "surprise": 1},
    ],
)
def test_invalid_weights_are_refused_and_nothing_changes(
    app: Flask, sue: Supervisor, fields: dict[str, Any]
) -> None:
    response = sue.post("/api/supervisor/weights", {"fields": fields, "reason": "try"})

    assert response.status_code == 400
    assert routing_weights.saved_text() is None
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_saving_weights_needs_a_reason(sue: Supervisor) -> None:
    response = sue.post("/api/supervisor/weights", {"fields": shipped(), "reason": ""})

    assert response.status_code == 400
