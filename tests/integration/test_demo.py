"""``helpline demo``: a realistic, repeatable data set that loading twice does not grow."""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import phonenumbers
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.demo.customers import demo_customer, demo_phone
from app.demo.history import StaffIds, plan_history
from app.extensions import db
from app.models import (
    Account,
    Agent,
    AgentSkill,
    Case,
    CaseStatus,
    ConsentEvent,
    Customer,
    Incident,
    Interaction,
    Queue,
    Role,
    User,
    utcnow,
)

MODELS = (
    Customer,
    Account,
    ConsentEvent,
    Case,
    Interaction,
    Queue,
    User,
    Agent,
    AgentSkill,
    Incident,
)
LOGIN = re.compile(r"^\s+(admin|supervisor|agent)\s+(\S+@\S+)\s+(\S+)$", re.MULTILINE)


def run_demo(runner: FlaskCliRunner, *options: str) -> Result:
    result = runner.invoke(args=["demo", *options])
    assert result.exit_code == 0, result.output
    return result


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def grouped(column: Any) -> dict[Any, int]:
    """How many rows have each value of ``column``."""
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def row_counts() -> dict[str, int]:
    return {model.__tablename__: count(model) for model in MODELS}


def test_demo_creates_over_a_thousand_customers_in_every_tier_and_both_languages(runner):
    run_demo(runner)

    tiers = grouped(Customer.tier)
    languages = grouped(Customer.language)
    assert count(Customer) == 1200
    assert set(tiers) == {"platinum", "gold", "silver", "bronze"}
    assert 12 <= tiers["platinum"] < tiers["gold"] < tiers["silver"] < tiers["bronze"]
    assert set(languages) == {"en", "es"} and 0.1 < languages["es"] / 1200 < 0.3
    assert count(Account) >= 1200


def test_demo_lifetime_values_rise_with_the_tier(runner):
    run_demo(runner, "--customers", "300")

    ranges = {
        tier.value: (low, high)
        for tier, low, high in db.session.execute(
            select(
                Customer.tier, func.min(Customer.lifetime_value), func.max(Customer.lifetime_value)
            ).group_by(Customer.tier)
        )
    }
    order = ["bronze", "silver", "gold", "platinum"]
    assert all(ranges[a][1] <= ranges[b][0] for a, b in zip(order, order[1:], strict=False))


def test_demo_customers_have_open_cases_closed_cases_and_months_of_history(runner):
    run_demo(runner)

    with_open_case = db.session.scalar(
        select(func.count(func.distinct(Case.customer_id))).where(Case.status == CaseStatus.OPEN)
    )
    first, last = db.session.execute(
        select(func.min(Interaction.started_at), func.max(Interaction.started_at))
    ).one()
    assert 0.05 < with_open_case / 1200 < 0.12
    assert count(Case, Case.status == CaseStatus.CLOSED) > 0
    assert count(Interaction, Interaction.case_id.is_not(None)) >= count(Case)
    assert last - first > timedelta(days=150)
    assert last <= utcnow()
    outcomes = set(db.session.scalars(select(Interaction.outcome).distinct()))
    assert {"resolved", "transferred", "abandoned", "callback"} <= outcomes


def test_demo_staffs_skilled_agents_a_supervisor_and_an_admin(runner):
    run_demo(runner, "--customers", "10")

    roles = grouped(User.role)
    assert roles == {Role.AGENT: 20, Role.SUPERVISOR: 1, Role.ADMIN: 1}
    skills = set(db.session.scalars(select(AgentSkill.skill).distinct()))
    assert {"billing", "tech_support", "sales", "outage", "priority", "spanish"} <= skills
    agents = db.session.scalars(select(Agent)).all()
    assert all(agent.skills and agent.client_identity.startswith("agent_") for agent in agents)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(a.phone_number)) for a in agents)
    assert any("es" in agent.languages for agent in agents)


def test_every_demo_queue_overflows_along_a_chain_that_ends_at_general(runner):
    run_demo(runner, "--customers", "0")

    queues = {queue.name: queue for queue in db.session.scalars(select(Queue))}
    assert set(queues) == {
        "billing",
        "tech_support",
        "sales",
        "outage",
        "priority",
        "spanish",
        "general",
    }
    assert queues["general"].overflow_queue is None
    for queue in queues.values():
        seen = set()
        while queue.overflow_queue is not None and queue.name not in seen:
            seen.add(queue.name)
            queue = queue.overflow_queue
        assert queue.name == "general"
    assert queues["spanish"].language == "es"
    assert all(120 <= q.max_wait_seconds <= 600 for q in queues.values())
    assert queues["billing"].business_hours["mon"] == [["08:00", "20:00"]]
    assert {q.timezone for q in queues.values()} == {"America/New_York"}


def test_running_the_demo_twice_changes_no_counts(runner):
    run_demo(runner, "--customers", "200")
    before = row_counts()

    result = run_demo(runner, "--customers", "200")

    assert row_counts() == before
    assert "Customers: 0 created, 200 already there." in result.output


def test_a_larger_demo_later_adds_only_the_new_customers_and_their_history(runner):
    run_demo(runner, "--customers", "100")
    first = count(Customer)

    run_demo(runner, "--customers", "150")

    assert (first, count(Customer)) == (100, 150)
    orphans = count(Interaction, Interaction.customer_id.is_(None))
    assert orphans == 0


def test_demo_logins_are_printed_on_the_first_run_only_and_work(runner):
    first = run_demo(runner, "--customers", "0")
    second = run_demo(runner, "--customers", "0")

    logins = LOGIN.findall(first.output)
    assert len(logins) == 22
    role, email, password = logins[0]
    user = db.session.scalars(select(User).where(User.email == email)).one()
    assert (role, user.check_password(password)) == ("admin", True)
    assert LOGIN.findall(second.output) == []
    assert "helpline users set-password EMAIL" in second.output


def test_demo_customers_and_their_history_are_the_same_on_every_run():
    now = utcnow()
    staff = StaffIds({"billing": 1, "general": 2}, {"general": [1, 2], "billing": [1]})

    first, again = demo_customer(42, now), demo_customer(42, now)
    first.id = again.id = 7

    assert first == again
    assert plan_history(first, staff, now) == plan_history(again, staff, now)


def test_demo_phones_are_valid_numbers_in_the_555_exchange():
    phones = [demo_phone(index) for index in range(0, 100_000, 997)]

    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones)
    assert all(p[5:8] == "555" for p in phones)
    assert len({demo_phone(index) for index in range(5000)}) == 5000


def test_the_importer_accepts_the_customers_the_demo_creates(runner, tmp_path: Path):
    run_demo(runner, "--customers", "100")
    path = tmp_path / "export.csv"
    columns = ("phone", "name", "email", "language", "tier", "lifetime_value", "region", "timezone")
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for customer in db.session.scalars(select(Customer)):
            national = phonenumbers.format_number(
                phonenumbers.parse(customer.phone), phonenumbers.PhoneNumberFormat.NATIONAL
            )
            writer.writerow([national, *(getattr(customer, c) or "" for c in columns[1:])])

    result = runner.invoke(args=["customers", "import", str(path)])

    assert result.stdout.strip() == "created 0, updated 0, unchanged 100, rejected 0"


def test_demo_has_an_open_incident_that_boston_broadband_callers_hear(runner):
    result = run_demo(runner, "--customers", "300")

    listed = runner.invoke(args=["incidents", "list", "--json"]).output
    incidents = {i["title"]: i for i in json.loads(listed)["incidents"]}
    boston = incidents["Broadband outage in Boston"]
    assert boston["state"] == "identified" and boston["service_areas"] == ["Boston"]
    assert len(boston["updates"]) == 2  # the crew's internal note is not listed
    assert boston["updates"][0]["translations"]["es"]
    assert incidents["Slow mobile data in Houston"]["state"] == "resolved"
    assert "Incidents: 2 added" in result.output
    assert "Incidents: already there." in run_demo(runner, "--customers", "300").output
