"""Every staff page passes the accessibility check (labels, names, contrast), filled in."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import (
    Account,
    Case,
    Customer,
    Direction,
    Interaction,
    InteractionChannel,
    Role,
    Tier,
)
from tests.browser.test_login import hire


@pytest.fixture
def maria(app: Flask) -> Customer:
    """A customer with an account, an open case and an earlier call."""
    customer = Customer(phone="+14155550123", name="Maria Lopez", tier=Tier.PLATINUM)
    customer.lifetime_value = Decimal("9100")
    customer.accounts.append(Account(number="ACC-77", service="fiber"))
    db.session.add(customer)
    db.session.flush()
    db.session.add(Case(customer_id=customer.id, subject="Slow line"))
    db.session.add(
        Interaction(
            customer_id=customer.id,
            channel=InteractionChannel.VOICE,
            direction=Direction.INBOUND,
            outcome="answered",
            wrap_up_code="resolved",
            notes="Reset the router.",
        )
    )
    db.session.commit()
    return customer


def logged_in(new_page: Callable[..., Any], email: str) -> Any:
    page = new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("secret")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/console/customers?q=Maria",
        "/console/customers/{id}",
        "/console/customers?q=x",
        "/supervisor",
        "/status",
    ],
)
def test_the_page_passes_the_accessibility_check(
    app: Flask,
    maria: Customer,
    new_page: Callable[..., Any],
    accessibility: Callable[[Any], list[str]],
    path: str,
) -> None:
    hire("ana@example.com")
    page = logged_in(new_page, "ana@example.com")

    page.goto(path.format(id=maria.id))

    assert page.get_by_role("heading", level=1).count() == 1
    assert accessibility(page) == []


def test_the_forbidden_and_expired_pages_pass_the_accessibility_check(
    app: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    hire("ana@example.com")
    page = logged_in(new_page, "ana@example.com")

    page.goto("/supervisor")
    forbidden = accessibility(page)
    page.goto("/login")  # logged in: sent on to the console
    with page.expect_navigation():  # a form with no CSRF token, as another site would post
        page.evaluate(
            "() => { const f = document.createElement('form'); f.method = 'post';"
            " f.action = '/logout'; document.body.append(f); f.submit(); }"
        )

    assert page.get_by_role("heading", name="This form has expired").is_visible()
    assert forbidden == []
    assert accessibility(page) == []


def test_a_supervisor_sees_every_part_of_the_dashboard_accessibly(
    app: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    hire("sam@example.com", role=Role.SUPERVISOR)
    page = logged_in(new_page, "sam@example.com")

    page.goto("/supervisor")

    assert accessibility(page) == []


def test_a_supervisor_opens_and_updates_an_incident_accessibly(
    app: Flask, new_page: Callable[..., Any], accessibility: Callable[[Any], list[str]]
) -> None:
    hire("sam@example.com", role=Role.SUPERVISOR)
    page = logged_in(new_page, "sam@example.com")

    page.goto("/supervisor/incidents")
    empty = accessibility(page)
    page.get_by_label("Title", exact=True).fill("Fibre cut in Boston")
    page.get_by_label("Service areas (comma-separated)").fill("Boston")
    page.get_by_role("button", name="Open incident").click()
    page.get_by_label("Update", exact=True).fill("A crew is splicing the fibre.")
    page.get_by_role("button", name="Post").click()

    assert page.get_by_role("heading", level=1, name="Fibre cut in Boston").is_visible()
    assert page.get_by_text("A crew is splicing the fibre.").is_visible()
    assert empty == []
    assert accessibility(page) == []
